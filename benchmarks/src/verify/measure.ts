import type { Sample } from '../rounds.js';
import type { VerifySettings } from '../settings.js';

/** One way to verify a token in process. */
export interface VerifyEntry {
  id: string;
  label: string;
  /** `sync` entries return the result; `async` entries return a promise, which each iteration awaits. */
  mode: 'sync' | 'async';
  verify: (token: string) => unknown;
  notes: string[];
}

/** Hands out tokens in order and starts again after the last one. */
export class TokenStream {
  private position = 0;

  constructor(private readonly tokens: readonly string[]) {
    if (tokens.length === 0) {
      throw new RangeError('A token stream needs at least one token.');
    }
  }

  next(): string {
    const token = this.tokens[this.position]!;
    this.position = (this.position + 1) % this.tokens.length;

    return token;
  }
}

/** Verifications between two reads of the clock. */
const clockInterval = 16;

/** Verifies tokens one at a time until the slice's time limit or operation limit. */
export async function timeSlice(entry: VerifyEntry, stream: TokenStream, limits: VerifySettings): Promise<Sample> {
  await new Promise((resolve) => setImmediate(resolve));

  const start = performance.now();
  const deadline = start + limits.sliceMilliseconds;
  const operations = entry.mode === 'sync' ? runSync(entry, stream, limits.maxOperationsPerSlice, deadline) : await runAsync(entry, stream, limits.maxOperationsPerSlice, deadline);

  return { operations, seconds: (performance.now() - start) / 1000 };
}

function runSync(entry: VerifyEntry, stream: TokenStream, maxOperations: number, deadline: number): number {
  let operations = 0;

  while (operations < maxOperations) {
    entry.verify(stream.next());
    operations += 1;

    if (operations % clockInterval === 0 && performance.now() >= deadline) {
      break;
    }
  }

  return operations;
}

async function runAsync(entry: VerifyEntry, stream: TokenStream, maxOperations: number, deadline: number): Promise<number> {
  let operations = 0;

  while (operations < maxOperations) {
    await entry.verify(stream.next());
    operations += 1;

    if (operations % clockInterval === 0 && performance.now() >= deadline) {
      break;
    }
  }

  return operations;
}

/** Runs untimed verifications so that JIT compilation, key import and JWKS fetches happen before timing. */
export async function warmUp(entry: VerifyEntry, stream: TokenStream, operations: number): Promise<void> {
  for (let done = 0; done < operations; done += 1) {
    await entry.verify(stream.next());
  }
}

/**
 * Checks that the entry accepts a valid token and rejects a bad signature, and returns what is
 * wrong. An entry that accepts everything or nothing would otherwise report a fast, meaningless number.
 */
export async function checkEntry(entry: VerifyEntry, validToken: string, badToken: string): Promise<string[]> {
  const problems: string[] = [];

  try {
    await entry.verify(validToken);
  } catch (error) {
    problems.push(`rejected a valid token: ${describeError(error)}`);
  }

  try {
    await entry.verify(badToken);
    problems.push('accepted a token with a bad signature');
  } catch {
    // Rejecting the bad signature is the expected outcome.
  }

  return problems;
}

export function describeError(error: unknown): string {
  if (error instanceof Error) {
    return `${error.name}: ${error.message}`;
  }

  return String(error);
}
