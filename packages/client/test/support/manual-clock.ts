import type { Clock } from '@latchkey/client';

/** A timer waiting on a manual clock. */
export interface ManualTimer {
  /** Clock time when the timer was set. */
  readonly setAt: number;
  readonly delayMs: number;
  readonly background: boolean;
}

interface PendingTimer extends ManualTimer {
  readonly dueAt: number;
  readonly callback: () => void;
}

/**
 * A clock that only moves when the test calls `advance`. `nextTimer` resolves when the client sets
 * a timer, so a test can wait for a back-off or `Retry-After` wait without sleeping.
 */
export class ManualClock implements Clock {
  private time: number;
  private pending: PendingTimer[] = [];
  /** Foreground timers that no `nextTimer` call has returned yet. */
  private readonly unseen: ManualTimer[] = [];
  private readonly timerWaiters: ((timer: ManualTimer) => void)[] = [];

  constructor(start: number) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimer(callback: () => void, delayMs: number, options?: { background?: boolean }): () => void {
    const timer: PendingTimer = { setAt: this.time, delayMs, dueAt: this.time + delayMs, background: options?.background === true, callback };
    this.pending.push(timer);

    if (!timer.background) {
      const waiter = this.timerWaiters.shift();
      if (waiter === undefined) this.unseen.push(timer);
      else waiter(timer);
    }

    return () => {
      this.pending = this.pending.filter((entry) => entry !== timer);
    };
  }

  /** Resolves with the oldest foreground timer that no earlier call returned, waiting for one if needed. */
  nextTimer(): Promise<ManualTimer> {
    const timer = this.unseen.shift();
    if (timer !== undefined) return Promise.resolve(timer);
    return new Promise((resolve) => this.timerWaiters.push(resolve));
  }

  /** Foreground timers still waiting. */
  foregroundTimers(): ManualTimer[] {
    return this.pending.filter((timer) => !timer.background);
  }

  /** Background timers still waiting. */
  backgroundTimers(): ManualTimer[] {
    return this.pending.filter((timer) => timer.background);
  }

  /** Moves the clock forward and runs every timer that falls due, in due order. */
  advance(ms: number): void {
    const target = this.time + ms;

    for (let timer = this.nextDue(target); timer !== undefined; timer = this.nextDue(target)) {
      this.pending = this.pending.filter((entry) => entry !== timer);
      this.time = Math.max(this.time, timer.dueAt);
      timer.callback();
    }

    this.time = target;
  }

  private nextDue(target: number): PendingTimer | undefined {
    const due = this.pending.filter((timer) => timer.dueAt <= target);
    due.sort((a, b) => a.dueAt - b.dueAt);
    return due[0];
  }
}
