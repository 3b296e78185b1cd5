import { ConfigurationError } from '../errors.js';
import type { LatchkeyEventListener } from '../events.js';
import type { IssuerResolver, SingleIssuerOptions, VerifierOptions } from '../options.js';
import { isSafeParameterValue } from '../text.js';
import { type IssuerSpec, resolveIssuerList, resolveSingleIssuer } from './issuers.js';
import { resolveAcceptedValues, resolveOptionalName, resolvePositiveInteger, resolveSeconds } from './values.js';

export type { KeySourceSpec } from './key-source.js';
export type { IssuerSpec } from './issuers.js';
export { resolveResolvedIssuer } from './issuers.js';

/** Remote JWKS cache settings in milliseconds and bytes. */
export interface ResolvedJwksCache {
  maxAge: number;
  minLifetime: number;
  maxLifetime: number;
  cooldown: number;
  timeout: number;
  staleWindow: number;
  maxResponseBytes: number;
  maxFetchesPerMinute: number;
}

/** The trusted issuers: a fixed list, or a resolver called per token. */
export type IssuerSettings =
  | { kind: 'list'; entries: readonly IssuerSpec[] }
  | { kind: 'resolver'; resolve: IssuerResolver };

/** Verifier settings after every option was checked, copied and frozen. */
export interface ResolvedConfig {
  issuers: IssuerSettings;
  /** The default audience, used by issuers that set none. */
  audience: readonly string[] | null;
  clockTolerance: number;
  maxTokenAge: number | undefined;
  requiredClaims: readonly string[];
  typ: string | undefined;
  maxTokenLength: number;
  cookieName: string | undefined;
  queryParameter: string | undefined;
  requireHttps: boolean;
  realm: string;
  jwksCache: ResolvedJwksCache;
  fetch: typeof fetch | undefined;
  clock: () => number;
  onEvent: LatchkeyEventListener | undefined;
  /** Most verified tokens cached; 0 when the cache is off. */
  tokenCacheEntries: number;
  engine: 'auto' | 'jose';
}

export const DEFAULT_MAX_TOKEN_LENGTH = 8192;

// RFC 6265 cookie-name is an RFC 9110 token; query parameter names get the same restriction.
const TOKEN_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Checks every option and returns the frozen settings a verifier runs on. */
export function resolveConfig(options: VerifierOptions): ResolvedConfig {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigurationError('options', 'must be an object', 'Pass at least { issuer, audience, jwksUri }');
  }

  const audience = resolveAcceptedValues('audience', options.audience, '"https://api.example.com"');
  const issuers = resolveIssuers(options, audience);

  const requireExpiration = options.requireExpiration ?? true;
  if (typeof requireExpiration !== 'boolean') {
    throw new ConfigurationError('requireExpiration', 'must be a boolean', 'Leave it unset (tokens must carry exp) or set it to false');
  }

  return Object.freeze({
    issuers,
    audience,
    clockTolerance: resolveSeconds('clockTolerance', options.clockTolerance, 5),
    maxTokenAge: options.maxTokenAge === undefined ? undefined : resolveSeconds('maxTokenAge', options.maxTokenAge, 3600, { allowZero: false }),
    requiredClaims: resolveRequiredClaims(options.requiredClaims, requireExpiration),
    typ: resolveTyp(options.typ),
    maxTokenLength: resolvePositiveInteger('maxTokenLength', options.maxTokenLength, DEFAULT_MAX_TOKEN_LENGTH),
    cookieName: resolveOptionalName('cookieName', options.cookieName, TOKEN_NAME, '__Host-access_token'),
    queryParameter: resolveOptionalName('queryParameter', options.queryParameter, TOKEN_NAME, 'access_token'),
    requireHttps: resolveBoolean('requireHttps', options.requireHttps, false),
    realm: resolveRealm(options.realm),
    jwksCache: resolveJwksCache(options.jwksCache ?? {}),
    fetch: resolveFunction('fetch', options.fetch),
    clock: resolveFunction('clock', options.clock) ?? Date.now,
    onEvent: resolveFunction('onEvent', options.onEvent),
    tokenCacheEntries: resolveTokenCache(options.tokenCache),
    engine: resolveEngine(options.engine),
  });
}

function resolveIssuers(options: VerifierOptions, audience: readonly string[] | null): IssuerSettings {
  if (!('issuers' in options) || options.issuers === undefined) {
    return { kind: 'list', entries: Object.freeze([resolveSingleIssuer(options as SingleIssuerOptions, audience)]) };
  }

  if ('issuer' in options && options.issuer !== undefined) {
    throw new ConfigurationError('issuer', 'is set together with issuers', 'Put every issuer into the issuers list, each with its own key source');
  }
  if (typeof options.issuers === 'function') return { kind: 'resolver', resolve: options.issuers };
  return { kind: 'list', entries: resolveIssuerList(options.issuers, audience, options.algorithms) };
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
  const minLifetime = resolveSeconds('jwksCache.minLifetime', cache.minLifetime, 60) * seconds;
  const maxLifetime = resolveSeconds('jwksCache.maxLifetime', cache.maxLifetime, 86_400, { allowZero: false }) * seconds;
  if (minLifetime > maxLifetime) {
    throw new ConfigurationError('jwksCache.minLifetime', 'is larger than jwksCache.maxLifetime', 'Make minLifetime at most maxLifetime');
  }

  return Object.freeze({
    maxAge: resolveSeconds('jwksCache.maxAge', cache.maxAge, 600, { allowZero: false }) * seconds,
    minLifetime,
    maxLifetime,
    cooldown: resolveSeconds('jwksCache.cooldown', cache.cooldown, 30) * seconds,
    timeout: resolveSeconds('jwksCache.timeout', cache.timeout, 5, { allowZero: false }) * seconds,
    staleWindow: resolveSeconds('jwksCache.staleWindow', cache.staleWindow, 12 * 3600) * seconds,
    maxResponseBytes: resolvePositiveInteger('jwksCache.maxResponseBytes', cache.maxResponseBytes, 512 * 1024),
    maxFetchesPerMinute: resolvePositiveInteger('jwksCache.maxFetchesPerMinute', cache.maxFetchesPerMinute, 60),
  });
}

function resolveTokenCache(cache: VerifierOptions['tokenCache']): number {
  if (cache === false) return 0;
  if (cache === undefined) return 5000;
  if (typeof cache !== 'object' || cache === null) {
    throw new ConfigurationError('tokenCache', 'must be an object or false', 'Pass { maxEntries: 5000 }, or false to turn the cache off');
  }
  return resolvePositiveInteger('tokenCache.maxEntries', cache.maxEntries, 5000);
}

function resolveEngine(engine: VerifierOptions['engine']): 'auto' | 'jose' {
  if (engine === undefined) return 'auto';
  if (engine !== 'auto' && engine !== 'jose') {
    throw new ConfigurationError('engine', `must be "auto" or "jose", not ${JSON.stringify(engine)}`, 'Leave it unset to use node:crypto where available');
  }
  return engine;
}

function resolveBoolean(option: string, value: boolean | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') {
    throw new ConfigurationError(option, 'must be a boolean', `Pass true or false, or leave it unset for ${fallback}`);
  }
  return value;
}

function resolveFunction<T>(option: string, value: T | undefined): T | undefined {
  if (value !== undefined && typeof value !== 'function') {
    throw new ConfigurationError(option, 'must be a function', 'Pass a function or leave the option unset');
  }
  return value;
}
