import { errors, jwtVerify, type JWTVerifyOptions } from 'jose';
import { LRUCache } from 'lru-cache';
import type { ResolvedConfig } from './config/index.js';
import { loadNodeCrypto } from './config/node-crypto.js';
import { checkTimes } from './fast/claims.js';
import { verifyFast, type Verified } from './fast/fast-verify.js';
import { NodeSignatureVerifier } from './fast/node-signature.js';
import type { IssuerRuntime } from './issuer-directory.js';

/** A token whose signature no key of the current key set verifies. */
interface CachedRejection {
  runtime: IssuerRuntime;
  generation: number;
}

/** Most rejected tokens remembered, so a flood of one bad token costs one signature check per key set. */
const MAX_REJECTED_TOKENS = 1000;

interface CachedVerification {
  runtime: IssuerRuntime;
  verified: Verified;
  /** The key set generation the signature was checked against. */
  generation: number;
}

/** Most keys tried for one token when several keys of a set match its header. */
const MAX_CANDIDATE_KEYS = 8;

/**
 * Verifies signatures and claims for one verifier: from the verified-token cache when the same
 * token was verified before against the current key set, else with node:crypto where it exists,
 * else with jose. Every path applies jose's claim rules with the current time.
 */
export class TokenVerification {
  readonly #config: ResolvedConfig;
  readonly #signatures: NodeSignatureVerifier | undefined;
  readonly #cache: LRUCache<string, CachedVerification> | undefined;
  readonly #rejected: LRUCache<string, CachedRejection> | undefined;

  constructor(config: ResolvedConfig) {
    this.#config = config;
    const nodeCrypto = config.engine === 'auto' ? loadNodeCrypto() : undefined;
    this.#signatures = nodeCrypto === undefined ? undefined : new NodeSignatureVerifier(nodeCrypto);
    this.#cache = config.tokenCacheEntries > 0 ? new LRUCache({ max: config.tokenCacheEntries }) : undefined;
    this.#rejected = config.tokenCacheEntries > 0 ? new LRUCache({ max: MAX_REJECTED_TOKENS }) : undefined;
  }

  /**
   * Returns the previous verification of this token if its key set is still current, after
   * checking `nbf`, `exp` and the age again. The other claims cannot change for the same token.
   */
  fromCache(token: string): Verified | undefined {
    this.#throwIfRejected(token);

    const cached = this.#cache?.get(token);
    if (cached === undefined) return undefined;

    const generation = generationOf(cached.runtime);
    if (generation === undefined || generation !== cached.generation) {
      this.#cache?.delete(token);
      return undefined;
    }
    checkTimes(cached.verified.payload, this.#options(cached.runtime));
    return cached.verified;
  }

  /**
   * Verifies a token that was not in the cache, and caches a success. A token without `kid` that
   * no cached key verifies may be signed by a key published since the last fetch, so the key set
   * is fetched again (within the unknown-key cooldown) and the token verified once more.
   */
  async verify(token: string, header: Record<string, unknown>, claims: Record<string, unknown>, runtime: IssuerRuntime): Promise<Verified> {
    try {
      return await this.#verifyOnce(token, header, claims, runtime);
    } catch (error) {
      if (!(error instanceof errors.JWSSignatureVerificationFailed)) throw error;
      if (header['kid'] !== undefined || runtime.keySource.refreshForKeylessToken === undefined || !(await runtime.keySource.refreshForKeylessToken())) {
        this.#rememberRejection(token, runtime);
        throw error;
      }
      return this.#verifyOnce(token, header, claims, runtime);
    }
  }

  /**
   * Rejects a token whose signature already failed against the current key set without checking
   * it again. Only signature failures are remembered, because they cannot change while the keys
   * stay the same, unlike time-dependent claim failures.
   */
  #throwIfRejected(token: string): void {
    const rejected = this.#rejected?.get(token);
    if (rejected === undefined) return;

    if (generationOf(rejected.runtime) === rejected.generation) throw new errors.JWSSignatureVerificationFailed();
    this.#rejected?.delete(token);
  }

  #rememberRejection(token: string, runtime: IssuerRuntime): void {
    const generation = generationOf(runtime);
    if (this.#rejected !== undefined && generation !== undefined && this.#config.issuers.kind === 'list') {
      this.#rejected.set(token, { runtime, generation });
    }
  }

  async #verifyOnce(token: string, header: Record<string, unknown>, claims: Record<string, unknown>, runtime: IssuerRuntime): Promise<Verified> {
    const generation = generationOf(runtime);
    const options = this.#options(runtime);
    const fast = this.#signatures === undefined ? undefined : await verifyFast(token, header, claims, runtime, options, this.#signatures);
    const verified = fast ?? (await verifyWithJose(token, runtime, options));

    this.#remember(token, runtime, verified, generation);
    return verified;
  }

  #remember(token: string, runtime: IssuerRuntime, verified: Verified, generation: number | undefined): void {
    if (this.#cache === undefined || verified.key === undefined || generation === undefined) return;
    // A key set fetched during this verification has a generation the cache cannot vouch for.
    if (generationOf(runtime) !== generation) return;

    const exp = verified.payload.exp;
    const ttl = typeof exp === 'number' ? exp * 1000 - this.#config.clock() : undefined;
    if (ttl !== undefined && ttl <= 0) return;
    this.#cache.set(token, { runtime, verified, generation }, ttl === undefined ? undefined : { ttl });
  }

  #options(runtime: IssuerRuntime): JWTVerifyOptions {
    return { ...runtime.joseOptions, currentDate: new Date(this.#config.clock()) };
  }
}

/** Returns the current key set generation of an issuer; sources that never change their keys are generation 0. */
function generationOf(runtime: IssuerRuntime): number | undefined {
  const source = runtime.keySource;
  return source.currentGeneration === undefined ? 0 : source.currentGeneration();
}

async function verifyWithJose(token: string, runtime: IssuerRuntime, options: JWTVerifyOptions): Promise<Verified> {
  try {
    const { payload, protectedHeader, key } = await jwtVerify(token, (header, jws) => runtime.keySource.getKey(header, jws), options);
    return { payload, protectedHeader, key };
  } catch (error) {
    if (!(error instanceof errors.JWKSMultipleMatchingKeys)) throw error;
    return verifyWithCandidates(token, error, options);
  }
}

/**
 * Tries each key when a set has several keys that fit the token's header, such as an identity
 * provider publishing one key twice or two keys under one `kid`. Only a failed signature moves on
 * to the next key. Any other failure is the result for the key that matched. Such results are not
 * cached, because no single key identifies them.
 */
async function verifyWithCandidates(token: string, candidates: InstanceType<typeof errors.JWKSMultipleMatchingKeys>, options: JWTVerifyOptions): Promise<Verified> {
  let lastError: unknown = new errors.JWSSignatureVerificationFailed();
  let tried = 0;

  for await (const key of candidates as AsyncIterable<Parameters<typeof jwtVerify>[1]>) {
    if (++tried > MAX_CANDIDATE_KEYS) break;
    try {
      const { payload, protectedHeader } = await jwtVerify(token, key as never, options);
      return { payload, protectedHeader, key: undefined };
    } catch (error) {
      if (!(error instanceof errors.JWSSignatureVerificationFailed)) throw error;
      lastError = error;
    }
  }
  throw lastError;
}

