import { type ChildProcess, spawn } from 'node:child_process';

/** A script running in a child Node process under tsx, with its output collected. */
export interface ScriptProcess {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first match of `pattern` in stdout. Rejects on timeout or when the process exits first. */
  waitForStdout(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code, or with the signal name when a signal ended the process. */
  waitForExit(timeoutMs: number): Promise<number | NodeJS.Signals>;
  /** Sends SIGKILL unless the process has exited. */
  kill(): void;
}

/** Runs `node --import tsx <script>` in `cwd`, so signals reach the script's own process. */
export function runScript(script: string, options: { cwd: string; env: NodeJS.ProcessEnv }): ScriptProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = { stdout: '', stderr: '' };
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output.stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output.stderr += chunk));

  const exited = new Promise<number | NodeJS.Signals>((resolve) => {
    child.once('close', (code, signal) => resolve(code ?? signal ?? 'SIGKILL'));
  });
  const describeOutput = () => `\nstdout:\n${output.stdout}\nstderr:\n${output.stderr}`;

  const waitForStdout = (pattern: RegExp, timeoutMs: number) => {
    const found = new Promise<RegExpMatchArray>((resolve, reject) => {
      const check = () => {
        const match = output.stdout.match(pattern);
        if (match !== null) resolve(match);
      };
      child.stdout?.on('data', check);
      check();
      void exited.then(() => reject(new Error(`${script} exited before printing ${String(pattern)}.${describeOutput()}`)));
    });
    return withTimeout(found, timeoutMs, () => `Timed out after ${timeoutMs} ms waiting for ${String(pattern)} from ${script}.${describeOutput()}`);
  };

  return {
    child,
    stdout: () => output.stdout,
    stderr: () => output.stderr,
    waitForStdout,
    waitForExit: (timeoutMs) => withTimeout(exited, timeoutMs, () => `Timed out after ${timeoutMs} ms waiting for ${script} to exit.${describeOutput()}`),
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

function withTimeout<T>(promise: Promise<T>, timeoutMs: number, message: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(message())), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
