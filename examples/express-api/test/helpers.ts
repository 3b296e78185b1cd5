import { type ChildProcess, spawn } from 'node:child_process';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';

/** Starts the app on 127.0.0.1 with a free port. */
export function listen(app: Express): Promise<{ server: Server; url: string }> {
  return new Promise((resolve, reject) => {
    const server = app.listen(0, '127.0.0.1', (error) => {
      if (error) return reject(error);
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
    });
  });
}

/** Stops the server and drops keep-alive connections that fetch left open. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}

/** A TypeScript script running in a child Node process under tsx. */
export interface ScriptProcess {
  readonly child: ChildProcess;
  /** Everything written to stdout so far. */
  stdout(): string;
  /** Everything written to stderr so far. */
  stderr(): string;
  /** Resolves with the first match of `pattern` in stdout. Rejects on timeout or when the process exits first. */
  waitForStdout(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code, or with the signal name when a signal ended the process. */
  waitForExit(timeoutMs: number): Promise<number | string>;
  /** Sends SIGKILL unless the process has already exited. */
  kill(): void;
}

/** Runs `node --import tsx <script>`, so signals reach the script's own process. `tsx` must resolve from `cwd`. */
export function runScript(script: string, options: { cwd: string; env: NodeJS.ProcessEnv; args?: readonly string[] }): ScriptProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...(options.args ?? [])], { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';

  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));

  const exited = new Promise<number | string>((resolve) => {
    child.once('close', (code, signal) => resolve(code ?? String(signal)));
  });

  const outputSoFar = () => `\nstdout:\n${stdout}\nstderr:\n${stderr}`;

  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    waitForStdout: (pattern, timeoutMs) => {
      const match = () => stdout.match(pattern);
      return waitForOutput(child, match, exited, timeoutMs, () => `${String(pattern)} in the output of ${script}.${outputSoFar()}`);
    },
    waitForExit: (timeoutMs) => withTimeout(exited, timeoutMs, () => `Timed out after ${timeoutMs} ms waiting for ${script} to exit.${outputSoFar()}`),
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** Returns a copy of this process's environment without the named variables. */
export function environmentWithout(...names: string[]): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of names) delete env[name];
  return env;
}

function waitForOutput(
  child: ChildProcess,
  match: () => RegExpMatchArray | null,
  exited: Promise<unknown>,
  timeoutMs: number,
  expected: () => string,
): Promise<RegExpMatchArray> {
  const found = new Promise<RegExpMatchArray>((resolve, reject) => {
    const check = () => {
      const result = match();
      if (result === null) return;
      child.stdout?.off('data', check);
      resolve(result);
    };

    child.stdout?.on('data', check);
    check();
    void exited.then(() => reject(new Error(`Process exited before printing ${expected()}`)));
  });

  return withTimeout(found, timeoutMs, () => `Timed out after ${timeoutMs} ms waiting for ${expected()}`);
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number, message: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(message())), timeoutMs);
  });

  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
