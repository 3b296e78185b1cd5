import { ConfigurationError } from '../errors.js';
import type { Algorithm, VerifierOptions } from '../options.js';
import { isSafeParameterValue } from '../text.js';
import { resolveAlgorithms } from './algorithms.js';
import { type KeySourceSpec, resolveKeySource } from './key-source.js';
import { resolveAcceptedValues, resolveOptionalName, resolvePositiveInteger, resolveSeconds } from './values.js';

export type { KeySourceSpec } from './key-source.js';

/** Remote JWKS cache settings in milliseconds and bytes. */
export interface ResolvedJwksCache {
  maxAge: number;
  cooldown: number;
  timeout: number;
  staleWindow: number;
  maxResponseBytes: number;
}

/** Verifier settings after every option was checked, copied and frozen. */
export interface ResolvedConfig {
  issuer: readonly string[] | null;
  audience: readonly string[] | null;
  algorithms: readonly Algorithm[];
  clockTolerance: number;
  maxTokenAge: number | undefined;
  requiredClaims: readonly string[];
  typ: string | undefined;
  maxTokenLength: number;
  cookieName: string | undefined;
  queryParameter: string | undefined;
  realm: string;
  keySource: KeySourceSpec;
  jwksCache: ResolvedJwksCache;
  fetch: typeof fetch | undefined;
  clock: () => number;
}

export const DEFAULT_MAX_TOKEN_LENGTH = 8192;

// RFC 6265 cookie-name is an RFC 9110 token; query parameter names get the same restriction.
const TOKEN_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Checks every option and returns the frozen settings a verifier runs on. */
export function resolveConfig(options: VerifierOptions): ResolvedConfig {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigurationError('options', 'must be an object', 'Pass at least { issuer, audience, jwksUri }');
  }

  const keySource = resolveKeySource(options);
  const keyKind = keySource.spec.kind === 'secret' ? 'secret' : 'asymmetric';
  const algorithms = resolveAlgorithms(options.algorithms, keyKind, keySource.algorithms);
  if (algorithms.length === 0) {
    throw new ConfigurationError('algorithms', 'is required for a PEM publicKey on runtimes without node:crypto', 'List the algorithms the key signs with, for example ["RS256"]');
  }

  const requireExpiration = options.requireExpiration ?? true;
  if (typeof requireExpiration !== 'boolean') {
    throw new ConfigurationError('requireExpiration', 'must be a boolean', 'Leave it unset (tokens must carry exp) or set it to false');
  }

  return Object.freeze({
    issuer: resolveAcceptedValues('issuer', options.issuer, '"https://auth.example.com/"'),
    audience: resolveAcceptedValues('audience', options.audience, '"https://api.example.com"'),
    algorithms,
    clockTolerance: resolveSeconds('clockTolerance', options.clockTolerance, 5),
    maxTokenAge: options.maxTokenAge === undefined ? undefined : resolveSeconds('maxTokenAge', options.maxTokenAge, 3600, { allowZero: false }),
    requiredClaims: resolveRequiredClaims(options.requiredClaims, requireExpiration),
    typ: resolveTyp(options.typ),
    maxTokenLength: resolvePositiveInteger('maxTokenLength', options.maxTokenLength, DEFAULT_MAX_TOKEN_LENGTH),
    cookieName: resolveOptionalName('cookieName', options.cookieName, TOKEN_NAME, '__Host-access_token'),
    queryParameter: resolveOptionalName('queryParameter', options.queryParameter, TOKEN_NAME, 'access_token'),
    realm: resolveRealm(options.realm),
    keySource: keySource.spec,
    jwksCache: resolveJwksCache(options.jwksCache ?? {}),
    fetch: resolveFunction('fetch', options.fetch),
    clock: resolveFunction('clock', options.clock) ?? Date.now,
  });
}

function resolveRequiredClaims(claims: readonly string[] | undefined, requireExpiration: boolean): readonly string[] {
  const list = claims ?? [];
  if (!Array.isArray(list) || list.some((claim) => typeof claim !== 'string' || claim === '')) {
    throw new ConfigurationError('requiredClaims', 'must be an array of claim names', 'Pass names such as ["sub", "jti"]');
  }
  const all = requireExpiration ? ['exp', ...list] : list;
  return Object.freeze([...new Set(all)]);
}

function resolveTyp(typ: string | undefined): string | undefined {
  if (typ === undefined) return undefined;
  if (typeof typ !== 'string' || typ.trim() === '') {
    throw new ConfigurationError('typ', 'must be a non-empty string', 'Use for example "at+jwt" for RFC 9068 access tokens');
  }
  return typ;
}

function resolveRealm(realm: string | undefined): string {
  if (realm === undefined) return 'api';
  if (typeof realm !== 'string' || realm === '' || !isSafeParameterValue(realm)) {
    throw new ConfigurationError('realm', 'must be a non-empty string of printable ASCII without " or \\', 'Use a short name such as "api"');
  }
  return realm;
}

function resolveJwksCache(cache: NonNullable<VerifierOptions['jwksCache']>): ResolvedJwksCache {
  const seconds = 1000;
  return Object.freeze({
    maxAge: resolveSeconds('jwksCache.maxAge', cache.maxAge, 600, { allowZero: false }) * seconds,
    cooldown: resolveSeconds('jwksCache.cooldown', cache.cooldown, 30) * seconds,
    timeout: resolveSeconds('jwksCache.timeout', cache.timeout, 5, { allowZero: false }) * seconds,
    staleWindow: resolveSeconds('jwksCache.staleWindow', cache.staleWindow, 12 * 3600) * seconds,
    maxResponseBytes: resolvePositiveInteger('jwksCache.maxResponseBytes', cache.maxResponseBytes, 512 * 1024),
  });
}

function resolveFunction<T>(option: string, value: T | undefined): T | undefined {
  if (value !== undefined && typeof value !== 'function') {
    throw new ConfigurationError(option, 'must be a function', 'Pass a function or leave the option unset');
  }
  return value;
}
