import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Folder of the example app, where Next.js runs. */
export const exampleRoot = fileURLToPath(new URL('..', import.meta.url));

const nextBin = join(createRequire(join(exampleRoot, 'package.json')).resolve('next/package.json'), '..', 'dist', 'bin', 'next');

/** A running Next.js CLI command. */
export interface NextProcess {
  /** Resolves with the exit code, or the signal name, when the process has ended. */
  exited: Promise<number | string>;
  /** Resolves once the output matches `pattern`; rejects when the process ends first. */
  printed(pattern: RegExp): Promise<void>;
  /** Output so far, stdout and stderr together. Empty when the output goes to the terminal. */
  output(): string;
  /** Ends the process and every process it started. */
  stop(): void;
}

const running = new Set<ChildProcess>();

// A parent that ends early must not leave Next.js servers behind.
process.once('exit', () => {
  for (const child of running) killGroup(child);
});

/**
 * Runs `next <args>` in the example folder, in its own process group so `stop()` also ends the
 * workers it starts. With `echo`, the output goes to this terminal instead of being kept.
 */
export function runNext(args: string[], env: Record<string, string>, options: { echo?: boolean } = {}): NextProcess {
  const child = spawn(process.execPath, [nextBin, ...args], {
    cwd: exampleRoot,
    env: { ...process.env, ...env, NEXT_TELEMETRY_DISABLED: '1', BETTER_AUTH_TELEMETRY: '0' },
    stdio: options.echo ? ['ignore', 'inherit', 'inherit'] : ['ignore', 'pipe', 'pipe'],
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

/** Milliseconds Next.js gets to stop after SIGTERM before its process group is killed. */
const STOP_GRACE_MS = 5000;

/** Sends SIGTERM to the process group, and SIGKILL if the process is still running after the grace time. */
function killGroup(child: ChildProcess): void {
  const pid = child.pid;
  if (pid === undefined || child.exitCode !== null || child.signalCode !== null) return;

  signalGroup(pid, 'SIGTERM');
  const timer = setTimeout(() => signalGroup(pid, 'SIGKILL'), STOP_GRACE_MS);
  timer.unref();
  child.once('close', () => clearTimeout(timer));
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group has already ended.
  }
}
