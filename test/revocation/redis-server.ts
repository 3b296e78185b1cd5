import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A redis-server process on 127.0.0.1 that a test started and controls. */
export interface RedisServer {
  url: string;
  port: number;
  /** Freezes the process (SIGSTOP), so commands hang. */
  pause(): void;
  /** Lets a paused process go on (SIGCONT). */
  resume(): void;
  /** Stops the process; `start` can bring it back on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts redis-server on a free loopback port, with an append-only file in a temporary folder so
 * data survives `stop` and `start` like a production server's would. Needs Debian's redis-server package.
 */
export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  const folder = mkdtempSync(join(tmpdir(), 'latchkey-redis-'));
  let child: ChildProcess | undefined;

  const start = () =>
    new Promise<void>((resolve, reject) => {
      const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', folder, '--save', '', '--appendonly', 'yes', '--appendfsync', 'always'];
      const process = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
      child = process;
      let output = '';
      process.once('error', (error) => reject(new Error(`Failed to start redis-server: ${error.message}. Install it with apt-get install redis-server.`)));
      process.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Ready to accept connections')) resolve();
      });
      process.once('exit', (code) => reject(new Error(`redis-server exited with code ${String(code)} before it was ready:\n${output}`)));
    });

  const stop = () =>
    new Promise<void>((resolve) => {
      const process = child;
      if (process === undefined || process.exitCode !== null || process.signalCode !== null) return resolve();
      process.once('exit', () => resolve());
      process.kill('SIGCONT');
      process.kill('SIGKILL');
    });

  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pause: () => child?.kill('SIGSTOP'),
    resume: () => child?.kill('SIGCONT'),
    stop,
    start,
  };
}
