import type { LockManagerLike } from '@latchkey/client';

/**
 * An in-memory stand-in for `navigator.locks`, shared by client instances that play the tabs of one
 * browser. Like the Web Locks API, it grants each name to one holder at a time in request order,
 * and `ifAvailable` gets null while the lock is held or requested.
 */
export class SharedLockManager implements LockManagerLike {
  /** Callbacks that ran while holding a lock. */
  grants = 0;
  /** Requests that had to wait for another holder. */
  waits = 0;
  private readonly queues = new Map<string, (() => void)[]>();

  async request<T>(name: string, options: { ifAvailable?: boolean }, callback: (lock: unknown) => Promise<T>): Promise<T> {
    const queue = this.queues.get(name) ?? [];
    this.queues.set(name, queue);

    if (options.ifAvailable === true && queue.length > 0) return callback(null);

    const granted = new Promise<void>((resolve) => queue.push(resolve));
    if (queue.length === 1) queue[0]?.();
    else this.waits += 1;
    await granted;

    try {
      this.grants += 1;
      return await callback({ name });
    } finally {
      queue.shift();
      queue[0]?.();
    }
  }
}
