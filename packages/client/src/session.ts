import { sleep } from './clock.js';
import { TokenRefreshError } from './errors.js';
import { checkTokenResult, grantOf, holdToken, type HeldToken, type TokenGrant } from './held-token.js';
import type { Settings } from './settings.js';
import { StateEmitter } from './state.js';
import { type TabMessage, TabSync } from './tab-sync.js';
import type { AccessToken, ClientState, StateChange } from './types.js';

/** Result of a refresh. `superseded` means a sign-in or sign-out happened meanwhile. */
type RefreshOutcome =
  | { kind: 'token'; token: string }
  | { kind: 'signed_out' }
  | { kind: 'failed'; error: TokenRefreshError }
  | { kind: 'superseded' };

/**
 * `required`: no usable token is held, so the refresh retries with back-off.
 * `proactive`: the token is still valid but near its end, so one failed attempt keeps it.
 */
type RefreshMode = 'required' | 'proactive';

/**
 * The token, its refreshes and the state. Every refresh is shared: callers that need a token
 * while one runs wait for it instead of starting their own.
 */
export class TokenSession {
  private held: HeldToken | undefined;
  /** Set when the provider reported no session, or on sign-out. Cleared by a sign-in or a token from another tab. */
  private sessionEnded = false;
  private refreshing: Promise<RefreshOutcome> | undefined;
  /** Incremented by sign-in and sign-out, so a refresh that started before is discarded. */
  private epoch = 0;

  private failures = 0;
  /** Local time before which no token request is made after a failure. */
  private nextAttemptAt = 0;

  /** Local time until which a rejected token is neither refreshed nor retried. */
  private cooldownUntil: number | undefined;
  private failed = false;

  private cancelExpiryTimer: (() => void) | undefined;
  private readonly states = new StateEmitter();
  private readonly tabs: TabSync;

  constructor(private readonly settings: Settings) {
    this.tabs = new TabSync({
      lock: settings.lock,
      channel: settings.channel,
      name: settings.tabSyncName,
      clock: settings.clock,
      timeoutMs: settings.tabSyncTimeoutMs,
      onMessage: (message) => this.receive(message),
    });
  }

  get state(): ClientState {
    this.sync();
    return this.states.value;
  }

  subscribe(listener: (change: StateChange) => void): () => void {
    return this.states.subscribe(listener);
  }

  /** Returns the token for a new request, refreshing first when it is missing, expired, rejected or near its end. */
  async tokenForRequest(): Promise<string | undefined> {
    if (this.refreshing !== undefined) return this.tokenAfter(await this.refreshing);
    if (this.sessionEnded) return undefined;

    const held = this.held;
    if (held === undefined) return this.tokenAfter(await this.refresh('required'));

    if (held.rejected || this.isExpired(held)) {
      // While the cooldown lasts the rejected token is still sent, because nothing better is held.
      if (this.inCooldown()) return held.value;
      return this.tokenAfter(await this.refresh('required', held.rejected ? held.value : undefined));
    }

    const due = held.refreshAt !== undefined && this.now() >= held.refreshAt;
    if (due && this.now() >= this.nextAttemptAt) return this.tokenAfter(await this.refresh('proactive'));

    return held.value;
  }

  /**
   * Handles a 401 `invalid_token` to a request sent with `sent`, and returns the token to retry
   * with, or undefined when the request must not be retried.
   */
  async tokenAfterRejection(sent: string): Promise<string | undefined> {
    if (this.refreshing !== undefined) return this.retryToken(await this.refreshing, sent);

    const held = this.held;
    if (held === undefined || held.value !== sent) {
      // A late 401: another request already replaced the token, so no new refresh is needed.
      return this.retryToken({ kind: 'superseded' }, sent);
    }

    if (!this.markRejected(held)) return undefined;
    return this.retryToken(await this.refresh('required', sent), sent);
  }

  /** Records a 401 `invalid_token` to `sent` for a request that is not retried again. */
  recordRejection(sent: string): void {
    const held = this.held;
    if (held === undefined || held.value !== sent) return;

    if (this.markRejected(held)) this.sync();
  }

  /** Records that an API accepted `token`, which ends the error state and the fresh-token check. */
  markAccepted(token: string): void {
    const held = this.held;
    if (held?.value !== token) return;

    held.rejected = false;
    held.replacesRejected = false;
    this.failed = false;
    this.sync();
  }

  /** Starts a new session with `token`, or with a token from the provider. Ends any cooldown. */
  async signIn(token?: AccessToken): Promise<void> {
    this.reset();
    this.sessionEnded = false;

    if (token === undefined) {
      const outcome = await this.refresh('required');
      if (outcome.kind === 'failed') throw outcome.error;
      return;
    }

    const grant = checkTokenResult(token);
    if (grant === null) throw new TypeError('signIn() received null. Call signOut() to sign out, or pass a token.');

    const held = holdToken(grant, this.now());
    this.setHeld(held);
    this.tabs.publish({ type: 'token', grant: grantOf(held, this.now()) });
  }

  /** Clears the token, discards a running refresh and notifies the other tabs. */
  signOut(): void {
    this.reset();
    this.clearToken();
    this.tabs.publish({ type: 'signed-out' });
  }

  dispose(): void {
    this.cancelExpiryTimer?.();
    this.tabs.stop();
  }

  private refresh(mode: RefreshMode, rejected?: string): Promise<RefreshOutcome> {
    const epoch = this.epoch;

    const refreshing: Promise<RefreshOutcome> = this.tabs
      .exclusive(
        () => this.requestToken(mode, epoch, rejected),
        (message) => this.outcomeFromTab(message, rejected),
      )
      .then((outcome) => (epoch === this.epoch ? outcome : { kind: 'superseded' as const }))
      .finally(() => {
        if (this.refreshing !== refreshing) return;
        this.refreshing = undefined;
        this.sync();
      });

    this.refreshing = refreshing;
    this.sync();
    return refreshing;
  }

  /** Asks the provider, up to `refreshAttempts` times in `required` mode, waiting longer after each failure. */
  private async requestToken(mode: RefreshMode, epoch: number, rejected: string | undefined): Promise<RefreshOutcome> {
    const maxAttempts = mode === 'proactive' ? 1 : this.settings.refreshAttempts;
    let lastError: unknown;

    for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
      await this.waitForBackoff();
      if (epoch !== this.epoch) return { kind: 'superseded' };

      try {
        const grant = checkTokenResult(await this.settings.tokenProvider());
        if (epoch !== this.epoch) return { kind: 'superseded' };

        return this.applyGrant(grant, rejected);
      } catch (error) {
        lastError = error;
        this.recordFailure();
      }
    }

    if (this.held === undefined) this.failed = true;
    this.tabs.publish({ type: 'refresh-failed' });
    return { kind: 'failed', error: new TokenRefreshError(maxAttempts, lastError) };
  }

  private applyGrant(grant: TokenGrant | null, rejected: string | undefined): RefreshOutcome {
    this.failures = 0;
    this.nextAttemptAt = 0;

    if (grant === null) {
      this.clearToken();
      this.tabs.publish({ type: 'signed-out' });
      return { kind: 'signed_out' };
    }

    if (grant.token === rejected) {
      // The provider returned the token the API just rejected, so a retry would fail the same way.
      this.startCooldown();
      return { kind: 'token', token: grant.token };
    }

    const held = holdToken(grant, this.now());
    held.replacesRejected = rejected !== undefined;
    this.setHeld(held);
    this.tabs.publish({ type: 'token', grant: grantOf(held, this.now()) });
    return { kind: 'token', token: held.value };
  }

  /** Turns the message of a tab that refreshed while this one waited for the lock into this tab's outcome. */
  private outcomeFromTab(message: TabMessage, rejected: string | undefined): RefreshOutcome | undefined {
    if (message.type === 'signed-out') return { kind: 'signed_out' };

    const held = this.usableToken();
    if (message.type !== 'token' || held === undefined || held.value === rejected) return undefined;
    return { kind: 'token', token: held.value };
  }

  private receive(message: TabMessage): void {
    if (message.type === 'signed-out') {
      this.reset();
      this.clearToken();
      return;
    }

    if (message.type === 'token') this.adopt(message.grant);
  }

  /** Takes another tab's token unless the held one is usable and lasts at least as long. */
  private adopt(grant: TokenGrant): void {
    const candidate = holdToken(grant, this.now());
    const held = this.usableToken();
    if (held?.value === candidate.value) return;

    const heldLonger = held !== undefined && (held.expiresAt === undefined || (candidate.expiresAt !== undefined && held.expiresAt >= candidate.expiresAt));
    if (heldLonger) return;

    this.sessionEnded = false;
    this.setHeld(candidate);
  }

  private tokenAfter(outcome: RefreshOutcome): string | undefined {
    const usable = this.usableToken();

    if (outcome.kind === 'token') return outcome.token;
    if (outcome.kind === 'failed' && usable === undefined) throw outcome.error;
    return usable?.value;
  }

  private retryToken(outcome: RefreshOutcome, sent: string): string | undefined {
    const usable = this.usableToken();
    if (usable !== undefined && usable.value !== sent) return usable.value;

    if (outcome.kind === 'failed') throw outcome.error;
    return undefined;
  }

  private setHeld(held: HeldToken): void {
    this.held = held;
    this.failed = false;
    this.scheduleExpiry(held);
    this.sync();
  }

  /** Forgets the token. The provider gets no further token request until a sign-in. */
  private clearToken(): void {
    this.held = undefined;
    this.sessionEnded = true;
    this.cooldownUntil = undefined;
    this.failed = false;
    this.cancelExpiryTimer?.();
    this.sync();
  }

  /** Discards a running refresh, the back-off, the cooldown and the error state. */
  private reset(): void {
    this.epoch += 1;
    this.refreshing = undefined;
    this.failures = 0;
    this.nextAttemptAt = 0;
    this.cooldownUntil = undefined;
    this.failed = false;
  }

  /**
   * Marks the held token as rejected, and returns whether a refresh may follow. It may not during
   * the cooldown, or when the token had just replaced a rejected one, which starts the cooldown.
   */
  private markRejected(held: HeldToken): boolean {
    held.rejected = true;

    if (this.inCooldown()) {
      this.failed = true;
      this.sync();
      return false;
    }

    if (held.replacesRejected) {
      this.startCooldown();
      return false;
    }

    return true;
  }

  private startCooldown(): void {
    this.cooldownUntil = this.now() + this.settings.rejectionCooldownMs;
    this.failed = true;
    this.sync();
  }

  private inCooldown(): boolean {
    return this.cooldownUntil !== undefined && this.now() < this.cooldownUntil;
  }

  private recordFailure(): void {
    this.failures += 1;
    const delay = this.settings.refreshBackoffMs * 2 ** (this.failures - 1);
    this.nextAttemptAt = this.now() + Math.min(delay, this.settings.maxRefreshBackoffMs);
  }

  private async waitForBackoff(): Promise<void> {
    const wait = this.nextAttemptAt - this.now();
    if (wait > 0) await sleep(this.settings.clock, wait);
  }

  private usableToken(): HeldToken | undefined {
    const held = this.held;
    if (held === undefined || held.rejected || this.isExpired(held)) return undefined;
    return held;
  }

  private isExpired(held: HeldToken): boolean {
    return held.expiresAt !== undefined && this.now() >= held.expiresAt;
  }

  /** Updates the state when the token expires, even while no request is made. */
  private scheduleExpiry(held: HeldToken): void {
    this.cancelExpiryTimer?.();
    this.cancelExpiryTimer = undefined;
    if (held.expiresAt === undefined) return;

    this.cancelExpiryTimer = this.settings.clock.setTimer(() => this.sync(), held.expiresAt - this.now(), { background: true });
  }

  private sync(): void {
    this.states.set(this.currentState());
  }

  private currentState(): ClientState {
    if (this.refreshing !== undefined) return 'refreshing';
    if (this.failed) return 'error';

    const held = this.held;
    if (held === undefined) return 'signed_out';
    if (held.rejected || this.isExpired(held)) return 'expired';
    return 'authenticated';
  }

  private now(): number {
    return this.settings.clock.now();
  }
}
