import type { ClientState, StateChange } from './types.js';

/** Stores the client state and notifies listeners of each change, in order and without repeats. */
export class StateEmitter {
  private current: ClientState = 'signed_out';
  private readonly listeners = new Set<(change: StateChange) => void>();
  private readonly pending: StateChange[] = [];
  private delivering = false;

  get value(): ClientState {
    return this.current;
  }

  set(next: ClientState): void {
    if (next === this.current) return;

    this.pending.push({ previous: this.current, current: next });
    this.current = next;
    this.deliver();
  }

  subscribe(listener: (change: StateChange) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /**
   * Delivers queued changes. A listener that changes the state queues the new change behind the
   * current one, so every listener receives the changes in order.
   */
  private deliver(): void {
    if (this.delivering) return;
    this.delivering = true;

    try {
      for (let change = this.pending.shift(); change !== undefined; change = this.pending.shift()) {
        for (const listener of [...this.listeners]) notify(listener, change);
      }
    } finally {
      this.delivering = false;
    }
  }
}

/** Calls a listener. A throwing listener does not stop the others. Its error goes to `reportError`, or where that is missing (Node) it is thrown from a microtask, which makes it an uncaught exception. */
function notify(listener: (change: StateChange) => void, change: StateChange): void {
  try {
    listener(change);
  } catch (error) {
    if (typeof reportError === 'function') {
      reportError(error);
      return;
    }

    queueMicrotask(() => {
      throw error;
    });
  }
}
