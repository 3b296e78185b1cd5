import { ConfigurationError, type ScopeRequirement, scopeRequirement, type VerifierOptions } from '@latchkey/core';
import { compilePathPatterns, FRAMEWORK_ASSET_PATTERNS, type PathPattern, type PathTest } from './paths.js';
import { resolveTokenCookie, type ResolvedTokenCookie, type TokenCookieOptions } from './token-cookie.js';

/** A scope requirement of the proxy for the paths a pattern matches. */
export interface ScopeRule {
  path: PathPattern;
  /** Scopes the token must grant. */
  scopes: string | readonly string[];
  /** Methods the rule applies to, such as `["POST", "DELETE"]`. Default: every method. */
  methods?: readonly string[];
  /** `all` (default) needs every scope; `any` needs at least one. */
  match?: 'all' | 'any';
}

/** Next.js settings of `createLatchkey`, next to the verifier options of `@latchkey/core`. */
export interface NextAdapterOptions {
  /** The token cookie, or `false` to read tokens only from the `Authorization` header. Default: `__Host-lk_at`, Secure, HttpOnly, SameSite=Lax, Path=/. */
  cookie?: TokenCookieOptions | false;
  /** Sign-in page for navigations without valid credentials: a path such as `/sign-in` or an absolute URL. Default `/sign-in`. */
  signInUrl?: string;
  /** Query parameter of the sign-in URL that carries the path to return to. Default `returnTo`. */
  returnToParameter?: string;
  /** Status of the sign-in redirect: 307 (default) or 303. */
  redirectStatus?: 307 | 303;
  /** Paths the proxy lets through without a token. The sign-in path and `/_next/static/*` are always public. Default `["/"]`. */
  publicPaths?: readonly PathPattern[];
  /** Paths whose requests always get the status-code response, never a redirect. Default `["/api/*"]`. */
  apiPaths?: readonly PathPattern[];
  /** Scopes the proxy requires on some paths, on top of authentication. */
  scopeRules?: readonly ScopeRule[];
  /** Other origins whose pages may send unsafe requests with the token cookie, such as `https://app.example.com`. The request's own host is always allowed. */
  allowedOrigins?: readonly string[];
  /** Request header in which the proxy forwards the verified `sub` to the app. Any incoming copy is removed first. Default: nothing is forwarded. */
  subjectHeader?: string;
  /** Locale prefixes to drop before matching paths, for apps with a `[locale]` segment, such as `["en", "fr"]`. */
  locales?: readonly string[];
}

/**
 * Options of `createLatchkey`: the verifier options of `@latchkey/core` (issuer, audience, key
 * source, …) and the Next.js settings. The cookie is configured with `cookie`, not `cookieName`.
 */
export type LatchkeyNextOptions = VerifierOptions & NextAdapterOptions & { cookieName?: never };

/** A compiled scope rule. */
export interface CompiledScopeRule {
  test: PathTest;
  methods: ReadonlySet<string> | undefined;
  requirement: ScopeRequirement;
}

/** The checked Next.js settings. */
export interface ResolvedAdapterOptions {
  cookie: ResolvedTokenCookie | undefined;
  signIn: { url: string; pathname: string | undefined };
  returnToParameter: string;
  redirectStatus: 307 | 303;
  isPublic: PathTest;
  isAsset: PathTest;
  isApi: PathTest;
  scopeRules: readonly CompiledScopeRule[];
  allowedOrigins: ReadonlySet<string>;
  subjectHeader: string | undefined;
  locales: readonly string[];
}

/** Headers that are never trusted from the client: the reserved prefix and the subject header. */
export const RESERVED_HEADER_PREFIX = 'x-latchkey-';

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Checks the Next.js settings and splits them from the verifier options. */
export function resolveAdapterOptions(options: LatchkeyNextOptions): { adapter: ResolvedAdapterOptions; verifier: VerifierOptions } {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigurationError('options', 'must be an object', 'Pass at least { issuer, audience, jwksUri }');
  }
  if ('cookieName' in options && options.cookieName !== undefined) {
    throw new ConfigurationError('cookieName', 'is not used by @latchkey/next', 'Set cookie: { name } instead, or cookie: false to read only the Authorization header');
  }

  const { cookie, signInUrl, returnToParameter, redirectStatus, publicPaths, apiPaths, scopeRules, allowedOrigins, subjectHeader, locales, ...verifierOptions } = options;
  const resolvedCookie = cookie === false ? undefined : resolveTokenCookie(cookie ?? {});
  const signIn = resolveSignInUrl(signInUrl ?? '/sign-in');
  const resolvedLocales = resolveLocales(locales);

  const adapter: ResolvedAdapterOptions = Object.freeze({
    cookie: resolvedCookie,
    signIn,
    returnToParameter: resolveParameterName(returnToParameter ?? 'returnTo'),
    redirectStatus: resolveRedirectStatus(redirectStatus),
    isPublic: withSignInPath(compilePathPatterns('publicPaths', publicPaths, ['/']), signIn.pathname),
    isAsset: compilePathPatterns('frameworkAssets', FRAMEWORK_ASSET_PATTERNS, []),
    isApi: compilePathPatterns('apiPaths', apiPaths, ['/api/*']),
    scopeRules: resolveScopeRules(scopeRules ?? []),
    allowedOrigins: resolveAllowedOrigins(allowedOrigins ?? []),
    subjectHeader: resolveSubjectHeader(subjectHeader),
    locales: resolvedLocales,
  });

  const verifier = { ...edgeDefaults(verifierOptions), ...verifierOptions, ...(resolvedCookie === undefined ? {} : { cookieName: resolvedCookie.name }) } as VerifierOptions;
  return { adapter, verifier };
}

/**
 * Verifier defaults for the Edge runtime. Its `process.getBuiltinModule` is a stub that throws
 * (Next.js 16.5 sandbox), and core's `engine: 'auto'` calls it while creating a verifier, so
 * the Web Crypto engine is chosen there unless `engine` is set.
 * NOTE: remove once core treats a throwing `process.getBuiltinModule` as absent.
 */
function edgeDefaults(options: Record<string, unknown>): { engine?: 'jose' } {
  const edge = typeof (globalThis as { EdgeRuntime?: unknown }).EdgeRuntime === 'string';
  return edge && options['engine'] === undefined ? { engine: 'jose' } : {};
}

function resolveSignInUrl(value: string): ResolvedAdapterOptions['signIn'] {
  if (typeof value === 'string' && value.startsWith('/') && !value.startsWith('//') && !value.includes('\\')) {
    return { url: value, pathname: new URL(value, 'http://placeholder.invalid').pathname };
  }

  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw new ConfigurationError('signInUrl', `must be a path such as "/sign-in" or an absolute http(s) URL, not ${JSON.stringify(value)}`, 'Use the path of your sign-in page');
  }
  return { url: url.href, pathname: undefined };
}

function withSignInPath(isPublic: PathTest, signInPath: string | undefined): PathTest {
  if (signInPath === undefined) return isPublic;
  return (pathname) => pathname === signInPath || isPublic(pathname);
}

function resolveParameterName(value: string): string {
  if (typeof value !== 'string' || !/^[A-Za-z0-9_.~-]+$/.test(value)) {
    throw new ConfigurationError('returnToParameter', `must be a plain query parameter name, not ${JSON.stringify(value)}`, 'Use for example "returnTo"');
  }
  return value;
}

function resolveRedirectStatus(value: 307 | 303 | undefined): 307 | 303 {
  if (value === undefined) return 307;
  if (value !== 307 && value !== 303) {
    throw new ConfigurationError('redirectStatus', `must be 307 or 303, not ${JSON.stringify(value)}`, 'Leave it unset to use 307');
  }
  return value;
}

function resolveScopeRules(rules: readonly ScopeRule[]): readonly CompiledScopeRule[] {
  if (!Array.isArray(rules)) {
    throw new ConfigurationError('scopeRules', 'must be an array', 'Pass for example [{ path: "/api/admin/*", scopes: "admin" }]');
  }

  return Object.freeze(
    rules.map((rule: ScopeRule, index) => {
      const option = `scopeRules[${index}]`;
      const scopes = typeof rule.scopes === 'string' ? [rule.scopes] : rule.scopes;
      const methods = rule.methods === undefined ? undefined : new Set(rule.methods.map((method) => method.toUpperCase()));
      return { test: compilePathPatterns(`${option}.path`, [rule.path], []), methods, requirement: scopeRequirement(scopes, rule.match) };
    }),
  );
}

function resolveAllowedOrigins(origins: readonly string[]): ReadonlySet<string> {
  const resolved = new Set<string>();
  for (const origin of origins) {
    let parsed: string | undefined;
    try {
      parsed = new URL(origin).origin;
    } catch {
      parsed = undefined;
    }
    if (parsed === undefined || parsed === 'null' || parsed !== origin) {
      throw new ConfigurationError('allowedOrigins', `contains ${JSON.stringify(origin)}, which is not an origin`, 'Write scheme, host and port only, such as "https://app.example.com"');
    }
    resolved.add(origin);
  }
  return resolved;
}

function resolveSubjectHeader(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  if (typeof name !== 'string' || !HEADER_NAME.test(name)) {
    throw new ConfigurationError('subjectHeader', `must be a header name, not ${JSON.stringify(name)}`, 'Use for example "x-user-id"');
  }
  return name.toLowerCase();
}

function resolveLocales(locales: readonly string[] | undefined): readonly string[] {
  const list = locales ?? [];
  if (!Array.isArray(list) || list.some((locale) => typeof locale !== 'string' || !/^[A-Za-z0-9-]+$/.test(locale))) {
    throw new ConfigurationError('locales', 'must be an array of locale codes', 'Pass for example ["en", "fr"]');
  }
  return Object.freeze([...list]);
}
