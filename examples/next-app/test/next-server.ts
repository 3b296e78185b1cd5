import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Which file protects the app: `proxy.ts` (Node.js runtime) or `middleware.ts` (Edge runtime). */
export type Variant = 'proxy' | 'middleware';

const exampleRoot = fileURLToPath(new URL('..', import.meta.url));
const nextBin = join(createRequire(join(exampleRoot, 'package.json')).resolve('next/package.json'), '..', 'dist', 'bin', 'next');

/** Files of the example that a build needs, copied into one build folder per variant. */
const appFiles = ['app', 'lib', 'next.config.ts', 'tsconfig.json'];

/** A running `next start`. */
export interface NextServer {
  url: string;
  output(): string;
  stop(): void;
}

/**
 * Copies the example into `.e2e/<variant>` with only the variant's entry file, because a
 * Next.js app may have either `proxy.ts` or `middleware.ts`, and builds it there. The copy stays
 * inside the example, so packages resolve from its node_modules.
 */
export async function buildVariant(variant: Variant, env: Record<string, string>, timeoutMs: number): Promise<string> {
  const folder = join(exampleRoot, '.e2e', variant);
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  for (const file of appFiles) cpSync(join(exampleRoot, file), join(folder, file), { recursive: true });

  const entry = variant === 'proxy' ? join(exampleRoot, 'proxy.ts') : join(exampleRoot, 'variants', 'middleware.ts');
  cpSync(entry, join(folder, `${variant}.ts`));

  const build = startProcess(['build'], folder, env);
  const code = await withTimeout(build.exited, timeoutMs, () => `next build of the ${variant} variant took longer than ${timeoutMs} ms.\n${build.output()}`).finally(build.stop);
  if (code !== 0) throw new Error(`next build of the ${variant} variant failed with exit code ${String(code)}.\n${build.output()}`);
  return folder;
}

/** Starts `next start` on 127.0.0.1 and a free port, and resolves once it is ready. */
export async function startVariant(folder: string, env: Record<string, string>, timeoutMs: number): Promise<NextServer> {
  const port = await freePort();
  const server = startProcess(['start', '-H', '127.0.0.1', '-p', String(port)], folder, env);

  try {
    await withTimeout(server.printed(/Ready in/), timeoutMs, () => `next start did not become ready within ${timeoutMs} ms.\n${server.output()}`);
  } catch (error) {
    server.stop();
    throw error;
  }
  return { url: `http://127.0.0.1:${port}`, output: server.output, stop: server.stop };
}

/** Tells whether the packages the example imports were built, as `pnpm build` does. */
export function packagesBuilt(): boolean {
  return ['core', 'next'].every((name) => existsSync(join(exampleRoot, '..', '..', 'packages', name, 'dist', 'index.js')));
}

interface ManagedProcess {
  exited: Promise<number | string>;
  printed(pattern: RegExp): Promise<void>;
  output(): string;
  stop(): void;
}

const running = new Set<ChildProcess>();

// A test run that ends early must not leave Next.js servers behind.
process.once('exit', () => {
  for (const child of running) killGroup(child);
});

/** Runs the Next.js CLI in its own process group, so stop() also ends the processes it starts. */
function startProcess(args: string[], cwd: string, env: Record<string, string>): ManagedProcess {
  const child = spawn(process.execPath, [nextBin, ...args], {
    cwd,
    env: { ...process.env, ...env, NEXT_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  running.add(child);

  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));

  const exited = new Promise<number | string>((resolve) => {
    child.once('close', (code, signal) => {
      running.delete(child);
      resolve(code ?? signal ?? 'unknown');
    });
  });

  const printed = (pattern: RegExp) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (pattern.test(output)) resolve();
      };
      child.stdout?.on('data', check);
      check();
      void exited.then((code) => reject(new Error(`next ${args[0]} exited with ${String(code)} before printing ${String(pattern)}.\n${output}`)));
    });

  return { exited, printed, output: () => output, stop: () => killGroup(child) };
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // The group is already gone.
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('No port was assigned'))));
    });
  });
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number, message: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(message())), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
