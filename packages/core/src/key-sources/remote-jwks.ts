import { type CompactJWSHeaderParameters, errors, type FlattenedJWSInput } from 'jose';
import type { ResolvedJwksCache } from '../config/index.js';
import { InvalidTokenError, KeySourceUnavailableError } from '../errors.js';
import type { FetchTrigger, KeySourceEventListener } from '../events.js';
import type { Algorithm } from '../options.js';
import { cacheLifetime } from './cache-lifetime.js';
import { type JwksLocator, toFetchError } from './discovery.js';
import { fetchDocument, KeySourceFetchError } from './fetch-document.js';
import type { FetchLimiter } from './fetch-limiter.js';
import { toUsableKeySet, type UsableKeySet } from './key-set.js';
import type { KeySource, VerificationKey } from './types.js';

export interface RemoteJwksSettings {
  /** The issuer whose keys these are, for events; undefined when the verifier accepts any issuer. */
  issuer: string | undefined;
  locator: JwksLocator;
  cache: ResolvedJwksCache;
  algorithms: readonly Algorithm[];
  fetch: typeof fetch;
  clock: () => number;
  limiter: FetchLimiter;
  emit: KeySourceEventListener;
}

interface CachedKeySet {
  keySet: UsableKeySet;
  /** The published keys as JSON, to tell whether a fetch brought a different set. */
  fingerprint: string;
  generation: number;
  url: string;
  fetchedAt: number;
  /** Time after which a request starts a background refresh, so requests do not wait for routine refreshes. */
  refreshAt: number;
  expiresAt: number;
}

/** Share of a key set's lifetime after which it is refreshed in the background. */
const REFRESH_AHEAD_AT = 0.8;

/**
 * Keys from a JWKS URL, configured or discovered. The set lives as long as its response's caching
 * headers allow, within bounds, and is refreshed in the background before it expires. An unknown
 * `kid` fetches the set again at most once per cooldown, and concurrent requests share one fetch.
 * When fetching fails, the last good set keeps serving for `staleWindow` past its expiry.
 */
export class RemoteJwksSource implements KeySource {
  readonly #settings: RemoteJwksSettings;
  #cached: CachedKeySet | undefined;
  #refreshing: Promise<void> | undefined;
  #lastAttemptAt = Number.NEGATIVE_INFINITY;

  constructor(settings: RemoteJwksSettings) {
    this.#settings = settings;
  }

  currentGeneration(): number | undefined {
    const cached = this.#cached;
    if (cached === undefined || this.#now() >= cached.expiresAt) return undefined;

    this.#refreshAheadIfDue(cached);
    return cached.generation;
  }

  async refreshForKeylessToken(): Promise<boolean> {
    const before = this.#cached?.generation;
    const waitMs = this.#cooldownRemaining();
    if (waitMs > 0 && this.#refreshing === undefined) {
      this.#settings.emit({ type: 'jwks_cooldown', issuer: this.#settings.issuer, url: this.#cached?.url ?? this.#settings.locator.label, kid: undefined, retryInMs: waitMs });
      return false;
    }

    await this.#refresh('unknown_kid').catch(() => undefined);
    return this.#cached !== undefined && this.#cached.generation !== before;
  }

  async getKey(header: CompactJWSHeaderParameters, token: FlattenedJWSInput): Promise<VerificationKey> {
    const cached = await this.#usableKeySet();
    this.#refreshAheadIfDue(cached);

    try {
      return await cached.keySet.resolver(header, token);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey)) throw error;
    }
    return this.#refetchForUnknownKid(header, token);
  }

  /** Fetches the key set now unless a fetch ran within the cooldown. Resolves once it is loaded or has failed. */
  async preload(): Promise<{ ok: true; kids: readonly (string | undefined)[] } | { ok: false; error: KeySourceFetchError }> {
    if (this.#cooldownRemaining() === 0 || this.#refreshing !== undefined) {
      try {
        await this.#refresh('preload');
      } catch (error) {
        return { ok: false, error: toFetchError(this.#settings.locator.label, error) };
      }
    }
    const cached = this.#cached;
    if (cached === undefined) return { ok: false, error: new KeySourceFetchError('network', 'No key set could be fetched yet') };
    return { ok: true, kids: cached.keySet.kids };
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
      this.#settings.emit({ type: 'jwks_stale_used', issuer: this.#settings.issuer, url: current.url, expiredForMs });
      return current;
    }
    throw this.#unavailable();
  }

  #refreshAheadIfDue(cached: CachedKeySet): void {
    const due = this.#now() >= cached.refreshAt && this.#now() < cached.expiresAt;
    if (due && this.#refreshing === undefined && this.#cooldownRemaining() === 0) {
      this.#refresh('refresh_ahead').catch(() => undefined);
    }
  }

  async #refetchForUnknownKid(header: CompactJWSHeaderParameters, token: FlattenedJWSInput): Promise<VerificationKey> {
    const waitMs = this.#cooldownRemaining();
    if (waitMs > 0 && this.#refreshing === undefined) {
      this.#settings.emit({ type: 'jwks_cooldown', issuer: this.#settings.issuer, url: this.#cached?.url ?? this.#settings.locator.label, kid: header.kid, retryInMs: waitMs });
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

  /** Starts a fetch, or joins the one under way. Rejects with a KeySourceFetchError when it fails. */
  #refresh(trigger: FetchTrigger): Promise<void> {
    this.#refreshing ??= this.#fetchKeySet(trigger).finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  async #fetchKeySet(trigger: FetchTrigger): Promise<void> {
    const { issuer, locator, cache, algorithms, emit, limiter } = this.#settings;
    const startedAt = this.#now();
    this.#lastAttemptAt = startedAt;
    let url: URL | undefined;

    try {
      url = await locator.locate();
      if (!limiter.tryAcquire()) {
        throw new KeySourceFetchError('rate_limited', `Fetch of ${url.href} skipped: the limit of key source fetches per minute is reached`);
      }

      const options = { fetch: this.#settings.fetch, timeout: cache.timeout, maxResponseBytes: cache.maxResponseBytes, accept: 'application/jwk-set+json, application/json;q=0.9' };
      const { document, headers } = await fetchDocument(url, options);
      const keySet = toUsableKeySet(keysOf(url, document), algorithms);
      for (const skipped of keySet.skipped) emit({ type: 'jwks_key_skipped', issuer, url: url.href, ...skipped });
      if (keySet.kids.length === 0) throw new KeySourceFetchError('no_usable_keys', `Key set at ${url.href} contains no usable signing key`);

      const lifetime = cacheLifetime(headers, { fallback: cache.maxAge, min: cache.minLifetime, max: cache.maxLifetime });
      this.#store(keySet, JSON.stringify(keysOf(url, document)), url, lifetime);
      emit({ type: 'jwks_fetch', issuer, url: url.href, trigger, durationMs: this.#now() - startedAt, keyCount: keySet.kids.length, lifetimeMs: lifetime });
    } catch (error) {
      const failure = toFetchError(url ?? locator.label, error);
      if (url !== undefined && failure.reason !== 'rate_limited') locator.invalidate();
      if (url !== undefined) {
        emit({
          type: 'jwks_fetch_failed',
          issuer,
          url: url.href,
          trigger,
          reason: failure.reason,
          ...(failure.status === undefined ? {} : { status: failure.status }),
          durationMs: this.#now() - startedAt,
        });
      }
      throw failure;
    }
  }

  #store(keySet: UsableKeySet, fingerprint: string, url: URL, lifetime: number): void {
    const fetchedAt = this.#now();
    const previous = this.#cached;
    let generation = 0;
    if (previous !== undefined) generation = previous.fingerprint === fingerprint ? previous.generation : previous.generation + 1;
    this.#cached = { keySet, fingerprint, generation, url: url.href, fetchedAt, refreshAt: fetchedAt + lifetime * REFRESH_AHEAD_AT, expiresAt: fetchedAt + lifetime };
  }

  #cooldownRemaining(): number {
    return Math.max(0, this.#lastAttemptAt + this.#settings.cache.cooldown - this.#now());
  }

  #unavailable(): KeySourceUnavailableError {
    const waitMs = Math.max(this.#cooldownRemaining(), this.#settings.limiter.retryIn());
    return new KeySourceUnavailableError({
      description: 'The signing keys cannot be obtained right now; retry later',
      retryAfter: Math.max(1, waitMs / 1000),
    });
  }

  #now(): number {
    return this.#settings.clock();
  }
}

function keysOf(url: URL, document: unknown): unknown[] {
  const keys = typeof document === 'object' && document !== null ? (document as { keys?: unknown }).keys : undefined;
  if (!Array.isArray(keys)) throw new KeySourceFetchError('invalid_key_set', `Response from ${url.href} has no "keys" array`);
  return keys;
}

function keyNotFound(cause?: unknown): InvalidTokenError {
  return new InvalidTokenError('key_not_found', { description: 'No signing key matches the token key id', cause });
}
