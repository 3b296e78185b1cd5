/**
 * A cap on outbound key fetches in any 60-second window, shared by every key source that uses
 * it, so a flood of tokens for many issuers or unknown key ids cannot turn into a flood of
 * requests to identity providers.
 */
export class FetchLimiter {
  readonly #maxPerMinute: number;
  readonly #clock: () => number;
  readonly #startedAt: number[] = [];

  constructor(maxPerMinute: number, clock: () => number) {
    this.#maxPerMinute = maxPerMinute;
    this.#clock = clock;
  }

  /** Records a fetch and returns true, or returns false when the cap is reached. */
  tryAcquire(): boolean {
    const now = this.#clock();
    while (this.#startedAt.length > 0 && (this.#startedAt[0] ?? 0) <= now - 60_000) this.#startedAt.shift();

    if (this.#startedAt.length >= this.#maxPerMinute) return false;
    this.#startedAt.push(now);
    return true;
  }

  /** Milliseconds until the oldest fetch in the window leaves it. */
  retryIn(): number {
    const oldest = this.#startedAt[0];
    return oldest === undefined ? 0 : Math.max(0, oldest + 60_000 - this.#clock());
  }
}
