import { type AuthInfo, checkScopes, extractToken, type LatchkeyError, type ScopeRequirement, type Verifier } from '@latchkey/core';
import { readCredentials } from './credentials.js';
import type { CrossSiteRequestError } from './errors.js';
import type { ResolvedAdapterOptions } from './options.js';
import type { HeaderReader } from './request-kind.js';
import type { ProtectionHeaders } from './responses.js';
import { checkSameOrigin } from './same-origin.js';
import { serializeExpiredCookie } from './token-cookie.js';
import { asLatchkeyError } from './shared-verifier.js';

export type { HeaderReader };

/** Verifier and settings shared by the proxy, the route wrapper and the server helper. */
export interface AdapterContext {
  verifier: Verifier;
  adapter: ResolvedAdapterOptions;
}

/** The parts of a request that authentication reads. */
export interface RequestParts {
  method: string;
  headers: HeaderReader;
  url: string;
}

export interface AuthenticateOptions {
  /** Resolve to `anonymous` instead of failing when the request has no credentials. */
  optional: boolean;
  /** Whether the request can change state, so a cookie-carried token needs a same-origin proof. */
  unsafe: boolean;
  scopes: readonly ScopeRequirement[];
}

/** The result of authenticating one request. */
export type AuthOutcome = (
  | { kind: 'authenticated'; auth: AuthInfo }
  | { kind: 'anonymous' }
  | { kind: 'failed'; failure: LatchkeyError }
  | { kind: 'cross-site'; error: CrossSiteRequestError }
) & { protection: ProtectionHeaders };

/**
 * Authenticates a request: reads its credentials, rejects a cookie-carried token on an unsafe
 * cross-site request before any key lookup, verifies the token and checks the scopes.
 * Rejects only with errors that are not latchkey failures, such as a throwing issuer resolver.
 */
export async function authenticateRequest(context: AdapterContext, request: RequestParts, options: AuthenticateOptions): Promise<AuthOutcome> {
  const { verifier, adapter } = context;
  const read = readCredentials(request.headers, adapter.cookie?.name);
  const credentials = { ...read.credentials, ...transportOf(request) };
  const { strayChunks } = read;
  const protection = protectionHeaders(context, strayChunks);

  let location: string;
  try {
    location = extractToken(credentials, verifier.config).location;
  } catch (error) {
    const failure = toFailureOrThrow(error);
    if (options.optional && failure.code === 'credentials_missing') return { kind: 'anonymous', protection };
    return { kind: 'failed', failure, protection };
  }

  if (location === 'cookie' && options.unsafe) {
    const crossSite = checkSameOrigin(request.headers, request.url, adapter.allowedOrigins);
    if (crossSite !== undefined) return { kind: 'cross-site', error: crossSite, protection };
  }

  try {
    const auth = await verifier.authenticate(credentials);
    for (const requirement of options.scopes) checkScopes(auth, requirement);
    return { kind: 'authenticated', auth, protection };
  } catch (error) {
    return { kind: 'failed', failure: toFailureOrThrow(error), protection };
  }
}

/** Builds the `Vary` names and cookie removals of responses for protected paths. */
export function protectionHeaders(context: AdapterContext, strayChunks: readonly string[] = []): ProtectionHeaders {
  const { cookie } = context.adapter;
  return {
    vary: cookie === undefined ? 'Authorization' : 'Authorization, Cookie',
    setCookies: cookie === undefined ? [] : strayChunks.map((name) => serializeExpiredCookie(cookie, name)),
  };
}

function toFailureOrThrow(error: unknown): LatchkeyError {
  const failure = asLatchkeyError(error);
  if (failure === undefined) throw error;
  return failure;
}

/**
 * Reads whether the request arrived over HTTPS, for `requireHttps`: from the request URL, or from
 * the first `X-Forwarded-Proto` value that a TLS-terminating proxy in front of Next.js sets. A
 * client can send that header itself, but it can only mislabel its own request, whose token has
 * then already crossed the network. Sites served on a loopback host count as development.
 */
function transportOf(request: RequestParts): { secure: boolean; loopback: boolean } {
  const url = new URL(request.url);
  const forwarded = request.headers.get('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase();
  return { secure: url.protocol === 'https:' || forwarded === 'https', loopback: isLoopbackHostname(url.hostname) };
}

function isLoopbackHostname(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}
