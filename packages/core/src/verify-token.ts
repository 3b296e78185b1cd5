import { errors, jwtVerify, type JWTVerifyOptions } from 'jose';
import { LRUCache } from 'lru-cache';
import type { ResolvedConfig } from './config/index.js';
import { loadNodeCrypto } from './config/node-crypto.js';
import { validateClaims } from './fast/claims.js';
import { verifyFast, type Verified } from './fast/fast-verify.js';
import { NodeSignatureVerifier } from './fast/node-signature.js';
import type { IssuerRuntime } from './issuer-directory.js';

interface CachedVerification {
  runtime: IssuerRuntime;
  header: Record<string, unknown>;
  key: unknown;
}

/** Most keys tried for one token when several keys of a set match its header. */
const MAX_CANDIDATE_KEYS = 8;

/**
 * Verifies signatures and claims for one verifier: from the verified-token cache when the same
 * token was verified before with a key that is still current, else with node:crypto where it
 * exists, else with jose. Every path applies jose's claim rules with the current time.
 */
export class TokenVerification {
  readonly #config: ResolvedConfig;
  readonly #signatures: NodeSignatureVerifier | undefined;
  readonly #cache: LRUCache<string, CachedVerification> | undefined;

  constructor(config: ResolvedConfig) {
    this.#config = config;
    const nodeCrypto = config.engine === 'auto' ? loadNodeCrypto() : undefined;
    this.#signatures = nodeCrypto === undefined ? undefined : new NodeSignatureVerifier(nodeCrypto);
    this.#cache = config.tokenCacheEntries > 0 ? new LRUCache({ max: config.tokenCacheEntries }) : undefined;
  }

  /** Returns the previous verification of this token, if its key still verifies tokens of this issuer. */
  async fromCache(token: string): Promise<Verified | undefined> {
    const cached = this.#cache?.get(token);
    if (cached === undefined) return undefined;

    const [protectedSegment = '', payloadSegment = '', signature = ''] = token.split('.');
    const key = await cached.runtime.keySource.getKey(cached.header as never, { protected: protectedSegment, payload: payloadSegment, signature }).catch(() => undefined);
    if (key !== cached.key) {
      this.#cache?.delete(token);
      return undefined;
    }
    return { payload: validateClaims(cached.header, payloadSegment, this.#options(cached.runtime)), protectedHeader: cached.header as Verified['protectedHeader'], key };
  }

  /** Verifies a token that was not in the cache, and caches a success. */
  async verify(token: string, header: Record<string, unknown>, runtime: IssuerRuntime): Promise<Verified> {
    const options = this.#options(runtime);
    const fast = this.#signatures === undefined ? undefined : await verifyFast(token, header, runtime, options, this.#signatures);
    const verified = fast ?? (await verifyWithJose(token, runtime, options));

    this.#remember(token, header, runtime, verified);
    return verified;
  }

  #remember(token: string, header: Record<string, unknown>, runtime: IssuerRuntime, verified: Verified): void {
    if (this.#cache === undefined || verified.key === undefined) return;

    const exp = verified.payload.exp;
    const ttl = typeof exp === 'number' ? exp * 1000 - this.#config.clock() : undefined;
    if (ttl !== undefined && ttl <= 0) return;
    this.#cache.set(token, { runtime, header, key: verified.key }, ttl === undefined ? undefined : { ttl });
  }

  #options(runtime: IssuerRuntime): JWTVerifyOptions {
    return { ...runtime.joseOptions, currentDate: new Date(this.#config.clock()) };
  }
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
 * to the next key; any other failure is the answer for the key that matched. Such results are not
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

