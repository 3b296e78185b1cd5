import { errors, type FlattenedJWSInput, type CompactJWSHeaderParameters } from 'jose';
import type { ResolvedJwksCache } from '../config/index.js';
import { InvalidTokenError, KeySourceUnavailableError } from '../errors.js';
import type { KeySourceEventListener } from '../events.js';
import type { Algorithm } from '../options.js';
import { fetchJwks, JwksFetchError } from './fetch-jwks.js';
import { toUsableKeySet, type UsableKeySet } from './key-set.js';
import type { KeySource, VerificationKey } from './types.js';

export interface RemoteJwksSettings {
  url: URL;
  cache: ResolvedJwksCache;
  algorithms: readonly Algorithm[];
  fetch: typeof fetch;
  clock: () => number;
  onEvent: KeySourceEventListener;
}

type Trigger = 'initial' | 'expired' | 'unknown_kid';

interface CachedKeySet {
  keySet: UsableKeySet;
  fetchedAt: number;
  expiresAt: number;
}

/**
 * Keys from a JWKS URL. The set is fetched on first use and again after `maxAge`; an unknown
 * `kid` fetches it again at most once per `cooldown`; concurrent requests share one fetch; and
 * when fetching fails, the last good set keeps serving for `staleWindow` past its expiry.
 */
export class RemoteJwksSource implements KeySource {
  readonly #settings: RemoteJwksSettings;
  #cached: CachedKeySet | undefined;
  #refreshing: Promise<void> | undefined;
  #lastAttemptAt = Number.NEGATIVE_INFINITY;

  constructor(settings: RemoteJwksSettings) {
    this.#settings = settings;
  }

  async getKey(header: CompactJWSHeaderParameters, token: FlattenedJWSInput): Promise<VerificationKey> {
    const cached = await this.#usableKeySet();

    try {
      return await cached.keySet.resolver(header, token);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey)) throw error;
    }

    return this.#refetchForUnknownKid(header, token);
  }

  async #refetchForUnknownKid(header: CompactJWSHeaderParameters, token: FlattenedJWSInput): Promise<VerificationKey> {
    const waitMs = this.#cooldownRemaining();
    if (waitMs > 0 && this.#refreshing === undefined) {
      this.#settings.onEvent({ type: 'jwks_cooldown', url: this.#settings.url.href, kid: header.kid, retryInMs: waitMs });
      throw keyNotFound();
    }

    const refreshed = await this.#refresh('unknown_kid').then(
      () => true,
      () => false,
    );
    const cached = this.#cached;
    if (!refreshed || cached === undefined) throw this.#unavailable();

    try {
      return await cached.keySet.resolver(header, token);
    } catch (error) {
      if (error instanceof errors.JWKSNoMatchingKey) throw keyNotFound(error);
      throw error;
    }
  }

  async #usableKeySet(): Promise<CachedKeySet> {
    const cached = this.#cached;
    if (cached !== undefined && this.#now() < cached.expiresAt) return cached;

    if (this.#refreshing !== undefined || this.#cooldownRemaining() === 0) {
      await this.#refresh(cached === undefined ? 'initial' : 'expired').catch(() => undefined);
    }

    const current = this.#cached;
    if (current === undefined) throw this.#unavailable();
    if (this.#now() < current.expiresAt) return current;

    const expiredForMs = this.#now() - current.expiresAt;
    if (expiredForMs <= this.#settings.cache.staleWindow) {
      this.#settings.onEvent({ type: 'jwks_stale_used', url: this.#settings.url.href, expiredForMs });
      return current;
    }
    throw this.#unavailable();
  }

  /** Starts a fetch, or joins the one under way. Rejects with a JwksFetchError when it fails. */
  #refresh(trigger: Trigger): Promise<void> {
    this.#refreshing ??= this.#fetchKeySet(trigger).finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  async #fetchKeySet(trigger: Trigger): Promise<void> {
    const { url, cache, algorithms, onEvent } = this.#settings;
    const startedAt = this.#now();
    this.#lastAttemptAt = startedAt;

    try {
      const document = await fetchJwks(url, { fetch: this.#settings.fetch, timeout: cache.timeout, maxResponseBytes: cache.maxResponseBytes });
      const keySet = toUsableKeySet(document.keys, algorithms);
      for (const skipped of keySet.skipped) onEvent({ type: 'jwks_key_skipped', url: url.href, ...skipped });
      if (keySet.kids.length === 0) throw new JwksFetchError('no_usable_keys', `JWKS at ${url.href} contains no usable signing key`);

      const fetchedAt = this.#now();
      this.#cached = { keySet, fetchedAt, expiresAt: fetchedAt + cache.maxAge };
      onEvent({ type: 'jwks_fetch', url: url.href, trigger, durationMs: fetchedAt - startedAt, keyCount: keySet.kids.length });
    } catch (error) {
      const failure = error instanceof JwksFetchError ? error : new JwksFetchError('network', `JWKS request to ${url.href} failed`, { cause: error });
      onEvent({
        type: 'jwks_fetch_failed',
        url: url.href,
        trigger,
        reason: failure.reason,
        ...(failure.status === undefined ? {} : { status: failure.status }),
        durationMs: this.#now() - startedAt,
      });
      throw failure;
    }
  }

  #cooldownRemaining(): number {
    return Math.max(0, this.#lastAttemptAt + this.#settings.cache.cooldown - this.#now());
  }

  #unavailable(): KeySourceUnavailableError {
    return new KeySourceUnavailableError({
      description: 'The signing keys cannot be obtained right now; retry later',
      retryAfter: Math.max(1, this.#cooldownRemaining() / 1000),
    });
  }

  #now(): number {
    return this.#settings.clock();
  }
}

function keyNotFound(cause?: unknown): InvalidTokenError {
  return new InvalidTokenError('key_not_found', { description: 'No signing key matches the token key id', cause });
}
