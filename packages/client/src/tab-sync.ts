import type { TokenGrant } from './held-token.js';
import type { Clock, LockManagerLike, TokenChannel } from './types.js';

/** A message between tabs of one app. */
export type TabMessage = { type: 'token'; grant: TokenGrant } | { type: 'signed-out' } | { type: 'refresh-failed' };

export interface TabSyncOptions {
  lock: LockManagerLike | null;
  channel: TokenChannel | null;
  name: string;
  clock: Clock;
  timeoutMs: number;
  /** Receives every valid message from another tab. */
  onMessage: (message: TabMessage) => void;
}

// Marks the client's messages, so other messages on the same channel are ignored.
const protocol = 'latchkey-client/1';
const notGranted = Symbol('lock not granted');

/**
 * Lets one tab at a time refresh, through the Web Locks API, and shares the outcome with the
 * other tabs over a channel. A tab that had to wait for the lock takes the other tab's new token
 * instead of making its own token request.
 */
export class TabSync {
  private received = 0;
  private lastMessage: TabMessage | undefined;
  private readonly waiters = new Set<(message: TabMessage | undefined) => void>();
  private readonly listener = (event: MessageEvent): void => this.receive(event.data);

  constructor(private readonly options: TabSyncOptions) {
    options.channel?.addEventListener('message', this.listener);
  }

  /** Stops listening to the channel. */
  stop(): void {
    this.options.channel?.removeEventListener('message', this.listener);
    for (const waiter of this.waiters) waiter(undefined);
  }

  publish(message: TabMessage): void {
    this.options.channel?.postMessage({ protocol, ...message });
  }

  /**
   * Runs `refresh` while holding the lock. When another tab has the lock, waits for it, then uses that
   * tab's outcome through `fromOtherTab` and only runs `refresh` when it returns undefined.
   */
  async exclusive<T>(refresh: () => Promise<T>, fromOtherTab: (message: TabMessage) => T | undefined): Promise<T> {
    const { lock, name } = this.options;
    if (lock === null) return refresh();

    const first = await lock.request(name, { ifAvailable: true }, async (granted) => (granted === null ? notGranted : { value: await refresh() }));
    if (first !== notGranted) return first.value;

    const receivedBefore = this.received;

    return lock.request(name, {}, async () => {
      const message = this.received !== receivedBefore ? this.lastMessage : await this.nextMessage();
      const shared = message === undefined ? undefined : fromOtherTab(message);
      return shared ?? refresh();
    });
  }

  /**
   * Waits for the next message, which the tab that held the lock sent before releasing it. The
   * wait is bounded because that tab may have closed before sending.
   */
  private nextMessage(): Promise<TabMessage | undefined> {
    if (this.options.channel === null) return Promise.resolve(undefined);

    return new Promise((resolve) => {
      const finish = (message: TabMessage | undefined): void => {
        this.waiters.delete(finish);
        cancel();
        resolve(message);
      };

      const cancel = this.options.clock.setTimer(() => finish(undefined), this.options.timeoutMs);
      this.waiters.add(finish);
    });
  }

  private receive(data: unknown): void {
    const message = parseMessage(data);
    if (message === undefined) return;

    this.received += 1;
    this.lastMessage = message;
    this.options.onMessage(message);

    for (const waiter of [...this.waiters]) waiter(message);
  }
}

function parseMessage(data: unknown): TabMessage | undefined {
  if (typeof data !== 'object' || data === null) return undefined;

  const record = data as Record<string, unknown>;
  if (record['protocol'] !== protocol) return undefined;

  if (record['type'] === 'signed-out' || record['type'] === 'refresh-failed') return { type: record['type'] };
  if (record['type'] !== 'token') return undefined;

  const grant = parseGrant(record['grant']);
  return grant === undefined ? undefined : { type: 'token', grant };
}

function parseGrant(value: unknown): TokenGrant | undefined {
  if (typeof value !== 'object' || value === null) return undefined;

  const { token, expiresIn, lifetime } = value as Record<string, unknown>;
  if (typeof token !== 'string' || token === '') return undefined;

  const grant: TokenGrant = { token };
  if (isPositive(expiresIn)) grant.expiresIn = expiresIn;
  if (isPositive(lifetime)) grant.lifetime = lifetime;
  return grant;
}

function isPositive(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0;
}
