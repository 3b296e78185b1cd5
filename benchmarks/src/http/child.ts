import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import type { ServerAuthConfig, ServerVariant } from './apps/types.js';
import { launchVariable, type MemorySample, type ServerLaunch, type ServerMessage } from './protocol.js';

const serverEntry = fileURLToPath(new URL('./server.ts', import.meta.url));
const packageRoot = fileURLToPath(new URL('../..', import.meta.url));

/** A server started in its own process, so that it does not share an event loop with autocannon. */
export interface ServerProcess {
  variant: ServerVariant;
  url: string;
  pid: number;
  memory(): Promise<MemorySample>;
  stop(): Promise<void>;
}

/** A server process lives at most this long, so none is left behind if the benchmark dies. */
const maxLifetimeMilliseconds = 20 * 60 * 1000;

/** Time allowed for an IPC reply and for a clean exit, in milliseconds. */
const replyTimeoutMilliseconds = 10_000;

/** Node.js flags of a server process: tsx for TypeScript, and a CPU profile when BENCH_CPU_PROFILE_DIR names a folder. */
function serverExecArgv(): string[] {
  const profileFolder = process.env['BENCH_CPU_PROFILE_DIR'];
  const profile = profileFolder === undefined || profileFolder === '' ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileFolder}`];

  return [...profile, '--import', 'tsx'];
}

/** Starts a server process for the variant and waits until it listens on 127.0.0.1. */
export async function startServer(variant: ServerVariant, auth: ServerAuthConfig, startTimeoutMilliseconds: number): Promise<ServerProcess> {
  const launch: ServerLaunch = { variant, auth, maxLifetimeMilliseconds };
  const child = fork(serverEntry, [], {
    cwd: packageRoot,
    execArgv: serverExecArgv(),
    env: { ...process.env, NODE_ENV: 'production', [launchVariable]: JSON.stringify(launch) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });

  const port = await waitForReady(child, variant, startTimeoutMilliseconds);

  return {
    variant,
    url: `http://127.0.0.1:${port}`,
    pid: child.pid ?? -1,
    memory: () => requestMemory(child, variant),
    stop: () => stopChild(child),
  };
}

function waitForReady(child: ChildProcess, variant: ServerVariant, timeoutMilliseconds: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`The ${variant} server did not start within ${timeoutMilliseconds} ms.`));
    }, timeoutMilliseconds);

    child.on('message', (message: ServerMessage) => {
      if (message.type === 'ready') {
        clearTimeout(timer);
        resolve(message.port);
      } else if (message.type === 'failed') {
        clearTimeout(timer);
        reject(new Error(`The ${variant} server failed to start: ${message.message}`));
      }
    });

    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The ${variant} server exited with code ${code} before listening.`));
    });
  });
}

function requestMemory(child: ChildProcess, variant: ServerVariant): Promise<MemorySample> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`The ${variant} server did not report its memory within ${replyTimeoutMilliseconds} ms.`)), replyTimeoutMilliseconds);

    const onMessage = (message: ServerMessage) => {
      if (message.type === 'memory') {
        clearTimeout(timer);
        child.off('message', onMessage);
        resolve(message.sample);
      }
    };

    child.on('message', onMessage);
    child.send({ type: 'memory' });
  });
}

/** Asks the server to close and waits for its exit, or kills it after the reply timeout. */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve();
  }

  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), replyTimeoutMilliseconds);

    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });

    child.send({ type: 'stop' });
  });
}
