import type { Clock } from './types.js';

// setTimeout runs a longer delay after about 1 ms, so longer waits are chained.
const maxTimerDelayMs = 2 ** 31 - 1;

/** `Date.now` and `setTimeout`. Background timers do not keep a Node process alive. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer: (callback, delayMs, options) => {
    let cancelled = false;
    let handle: ReturnType<typeof setTimeout> | undefined;
    const due = Date.now() + delayMs;

    const schedule = (delay: number): void => {
      handle = setTimeout(() => {
        if (cancelled) return;

        const remaining = due - Date.now();
        if (remaining > 0) schedule(remaining);
        else callback();
      }, Math.min(Math.max(0, delay), maxTimerDelayMs));

      if (options?.background === true) unref(handle);
    };

    schedule(delayMs);
    return () => {
      cancelled = true;
      clearTimeout(handle);
    };
  },
};

/** Resolves after `delayMs` on `clock`, or rejects with the signal's reason when it aborts first. */
export function sleep(clock: Clock, delayMs: number, signal?: AbortSignal | null): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }

    const onAbort = (): void => {
      cancel();
      reject(signal?.reason);
    };

    const cancel = clock.setTimer(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, delayMs);

    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function unref(handle: unknown): void {
  // Node's timers have unref(); browsers return a number.
  if (typeof handle === 'object' && handle !== null && 'unref' in handle && typeof handle.unref === 'function') {
    handle.unref();
  }
}
