import type { JSONWebKeySet, JWK } from 'jose';
import type { KeyObject } from 'node:crypto';
import type { LatchkeyEventListener } from './events.js';
import type { RevocationOptions } from './revocation/types.js';
import type { CredentialRequest } from './extract.js';

/** `iss` or `aud` values to accept. `null` turns the check off, and must be written out. */
export type AcceptedValues = string | readonly string[] | null;

/** Algorithms latchkey can verify. `none` is not one of them. */
export type Algorithm =
  | 'RS256' | 'RS384' | 'RS512'
  | 'PS256' | 'PS384' | 'PS512'
  | 'ES256' | 'ES384' | 'ES512'
  | 'EdDSA' | 'Ed25519'
  | 'HS256' | 'HS384' | 'HS512';

/** Key source of a verifier or of one issuer. Exactly one of these options is set. */
export type KeySourceOptions =
  | { jwksUri: string | URL; discovery?: never; jwks?: never; publicKey?: never; secret?: never }
  | { discovery: true; jwksUri?: never; jwks?: never; publicKey?: never; secret?: never }
  | { jwks: JSONWebKeySet; jwksUri?: never; discovery?: never; publicKey?: never; secret?: never }
  | { publicKey: string | JWK | KeyObject | CryptoKey; jwksUri?: never; discovery?: never; jwks?: never; secret?: never }
  | { secret: string | Uint8Array; jwksUri?: never; discovery?: never; jwks?: never; publicKey?: never };

/**
 * One trusted issuer of a multi-issuer verifier: its exact `iss` value and its own key source.
 * `audience` and `algorithms` default to the verifier's.
 */
export type IssuerOptions = {
  issuer: string;
  audience?: AcceptedValues;
  algorithms?: readonly Algorithm[];
} & KeySourceOptions;

/** Input of an issuer resolver: the token's unverified `iss` and the request, when there is one. */
export interface IssuerResolverContext {
  issuer: string;
  request: CredentialRequest | undefined;
}

/**
 * Picks the configuration for a token's issuer, or returns undefined to reject it. It may only
 * return remote key sources (`jwksUri` or `discovery`), and the returned `issuer` must equal
 * `context.issuer`.
 */
export type IssuerResolver = (context: IssuerResolverContext) => IssuerOptions | undefined | Promise<IssuerOptions | undefined>;

/** Tuning of the remote JWKS cache. All durations are in seconds. */
export interface JwksCacheOptions {
  /** How long a fetched key set is used when its response has no `Cache-Control` max-age or `Expires`. Default 600. */
  maxAge?: number;
  /** Lower bound of a lifetime taken from the response's caching headers. Default 60. */
  minLifetime?: number;
  /** Upper bound of a lifetime taken from the response's caching headers. Default 86400. */
  maxLifetime?: number;
  /** Most fetches of key sets and metadata in any minute, across all issuers of the verifier. Default 60. */
  maxFetchesPerMinute?: number;
  /** Minimum time between two fetches, whether caused by an unknown `kid` or by a failed fetch. Default 30. */
  cooldown?: number;
  /** Time limit of one fetch. Default 5. */
  timeout?: number;
  /** How long past its `maxAge` the last good key set keeps serving while fetches fail. Default 43200 (12 h); 0 turns it off. */
  staleWindow?: number;
  /** Largest accepted response body in bytes. Default 524288 (512 KiB). */
  maxResponseBytes?: number;
}

export interface PolicyOptions {
  /** Accepted `iss` values, compared exactly. Required with a single key source: pass `null` to skip the check. */
  issuer: AcceptedValues;
  /** Accepted `aud` values; a token passes when one of its audiences is accepted. Required: pass `null` to skip the check. */
  audience: AcceptedValues;
  /** Allowed `alg` values. Default: derived from the key source. */
  algorithms?: readonly Algorithm[];
  /** Allowed clock skew in seconds for `exp`, `nbf` and `iat`. Default 5. */
  clockTolerance?: number;
  /** Largest accepted age of a token in seconds, measured from `iat` (which then becomes required). */
  maxTokenAge?: number;
  /** Claims that must be present. `exp` is always required unless `requireExpiration` is false. */
  requiredClaims?: readonly string[];
  /** Required `typ` header value, such as `at+jwt` for RFC 9068 access tokens. */
  typ?: string;
  /** Whether tokens without `exp` are rejected. Default true. */
  requireExpiration?: boolean;
  /** Longest accepted token in characters, checked before decoding. Default 8192. */
  maxTokenLength?: number;
}

export interface CredentialOptions {
  /** Name of a cookie that may carry the token. Default: cookies are not read. */
  cookieName?: string;
  /** Name of a query parameter that may carry the token, such as `access_token`. Default: the query string is not read. */
  queryParameter?: string;
  /**
   * Whether a token that arrived over plain HTTP is rejected with 400 `invalid_request`, unless the
   * client is on a loopback address. Adapters read HTTPS the way the framework does, honouring its
   * trust-proxy setting. Default false.
   */
  requireHttps?: boolean;
}

export interface RuntimeOptions {
  /** The `realm` of the Bearer challenge. Default `"api"`. */
  realm?: string;
  jwksCache?: JwksCacheOptions;
  /** The fetch used for key sources. Default: the global `fetch`. */
  fetch?: typeof fetch;
  /** Current time in milliseconds since the epoch. Default `Date.now`. */
  clock?: () => number;
  /** Receives every event: key source fetches, failures, cooldowns, stale use, skipped keys, and revocation outages. */
  onEvent?: LatchkeyEventListener;
  /** Checks verified tokens against a revocation store: revoked token ids and per-subject epochs. */
  revocation?: RevocationOptions;
  /**
   * Cache of verified tokens, keyed by the whole token. A hit skips the signature check only: the
   * key must still be in the key set, and time claims and revocation are checked again. Default
   * `{ maxEntries: 5000 }`; `false` turns it off.
   */
  tokenCache?: { maxEntries?: number } | false;
  /**
   * `auto` (default) verifies signatures with node:crypto where it exists, and with jose's Web
   * Crypto path elsewhere or for unusual tokens. `jose` always takes jose's path.
   */
  engine?: 'auto' | 'jose';
}

/** Options of a verifier that trusts one key source. */
export type SingleIssuerOptions = PolicyOptions & CredentialOptions & RuntimeOptions & KeySourceOptions;

/**
 * Options of a verifier that trusts several issuers, each with its own key cache. The token's
 * `iss` picks the issuer; a token of any other issuer is rejected before a key is looked up.
 */
export type MultiIssuerOptions = Omit<PolicyOptions, 'issuer'> &
  CredentialOptions &
  RuntimeOptions & {
    issuers: readonly IssuerOptions[] | IssuerResolver;
    issuer?: never;
    jwksUri?: never;
    discovery?: never;
    jwks?: never;
    publicKey?: never;
    secret?: never;
  };

/** Everything `createVerifier` accepts. */
export type VerifierOptions = SingleIssuerOptions | MultiIssuerOptions;
