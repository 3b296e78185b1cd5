import type { JWTPayload, ProtectedHeaderParameters } from 'jose';
import { type ResolvedConfig, resolveConfig } from './config/index.js';
import { createEventEmitter } from './diagnostics.js';
import { CredentialsMissingError, type LatchkeyError } from './errors.js';
import { type CredentialRequest, extractToken, type TokenLocation } from './extract.js';
import { IssuerDirectory } from './issuer-directory.js';
import { createKeySourceContext } from './key-sources/index.js';
import { inspectToken } from './inspect-token.js';
import { invalidToken, toFailure } from './map-error.js';
import type { LatchkeyEventListener } from './events.js';
import type { VerifierOptions } from './options.js';
import { type PreloadReport, preloadIssuers } from './preload.js';
import { createRevocationCheck } from './revocation/check.js';
import { type RenderedFailure, renderFailure } from './render.js';
import { scopesOf } from './scopes.js';
import { TokenVerification } from './verify-token.js';

import type { AuthInfo, VerifiedClaims } from './types.js';

/** A verifier: built once from options, then used for every request. */
export interface Verifier {
  /** Verifies a token and returns the identity. Rejects with a LatchkeyError. */
  verify(token: string, location?: TokenLocation): Promise<AuthInfo>;
  /** Finds the request's token and verifies it. Rejects with a LatchkeyError. */
  authenticate(request: CredentialRequest): Promise<AuthInfo>;
  /** Like `authenticate`, but resolves to null when the request carries no credentials at all. A bad token still rejects. */
  authenticateOptional(request: CredentialRequest): Promise<AuthInfo | null>;
  /** Renders a failure with this verifier's realm. */
  render(failure: LatchkeyError): RenderedFailure;
  /**
   * Fetches discovery metadata and key sets of the listed issuers now, and reports
   * misconfiguration. It never rejects, so start-up can go on while an issuer is briefly down.
   */
  preload(): Promise<PreloadReport>;
  /** The checked, frozen settings. */
  readonly config: ResolvedConfig;
}

/** Kept for adapters written against the first release: `onEvent` is now a verifier option. */
export interface VerifierHooks {
  onEvent?: LatchkeyEventListener;
}

/**
 * Creates a verifier. Every option is checked here, so a configuration mistake throws a
 * ConfigurationError at start-up instead of failing requests later.
 */
export function createVerifier(options: VerifierOptions): Verifier {
  const config = resolveConfig(options);
  const emit = createEventEmitter(config.onEvent);
  const context = createKeySourceContext(config, emit);
  const directory = new IssuerDirectory(config, context);
  const checkRevocation = createRevocationCheck(options.revocation, emit, config.clock);
  const verification = new TokenVerification(config);

  const verifyFor = async (token: string, location: TokenLocation, request: CredentialRequest | undefined): Promise<AuthInfo> => {
    if (token.length > config.maxTokenLength) {
      throw invalidToken('token_too_large', undefined, `The token is longer than ${config.maxTokenLength} characters`);
    }

    const auth = await verifyToken(token, location, request);
    await checkRevocation?.(auth.claims);
    return auth;
  };

  const verifyToken = async (token: string, location: TokenLocation, request: CredentialRequest | undefined): Promise<AuthInfo> => {
    // A resolver may return a different result per request, so only fixed issuer lists use the cache.
    const cached = config.issuers.kind === 'list' ? await mapFailures(async () => verification.fromCache(token)) : undefined;
    if (cached !== undefined) return toAuthInfo(token, location, cached.payload, cached.protectedHeader);

    const { issuer, header, claims } = inspectToken(token);
    // An issuer resolver's own errors pass through unchanged: they are not token failures.
    const runtime = await directory.select(issuer, request);
    const verified = await mapFailures(() => verification.verify(token, header, claims, runtime));
    return toAuthInfo(token, location, verified.payload, verified.protectedHeader);
  };

  const verify = (token: string, location: TokenLocation = 'header') => verifyFor(token, location, undefined);

  const authenticate = async (request: CredentialRequest): Promise<AuthInfo> => {
    const { token, location } = extractToken(request, config);
    return verifyFor(token, location, request);
  };

  const authenticateOptional = async (request: CredentialRequest): Promise<AuthInfo | null> => {
    try {
      return await authenticate(request);
    } catch (error) {
      if (error instanceof CredentialsMissingError) return null;
      throw error;
    }
  };

  const render = createRenderer(config.realm);
  const preload = () => preloadIssuers(directory.listed, config);

  return Object.freeze({ verify, authenticate, authenticateOptional, render, preload, config });
}

/** Most distinct failure responses kept rendered; there are a few dozen codes and descriptions. */
const MAX_RENDERED_FAILURES = 256;

/**
 * Returns a renderer that builds each distinct failure response once, since a rejection path under
 * load renders the same few responses over and over. The rendered objects are frozen, so callers
 * cannot change a shared response.
 */
function createRenderer(realm: string): (failure: LatchkeyError) => RenderedFailure {
  const rendered = new Map<string, RenderedFailure>();

  return (failure) => {
    const scopes = (failure as { requiredScopes?: readonly string[] }).requiredScopes?.join(' ') ?? '';
    const retryAfter = (failure as { retryAfter?: number }).retryAfter ?? '';
    const key = `${failure.status}\n${failure.code}\n${failure.description}\n${scopes}\n${retryAfter}`;

    let response = rendered.get(key);
    if (response === undefined) {
      response = deepFreeze(renderFailure(failure, { realm }));
      if (rendered.size < MAX_RENDERED_FAILURES) rendered.set(key, response);
    }
    return response;
  };
}

function deepFreeze(response: RenderedFailure): RenderedFailure {
  Object.freeze(response.headers);
  return Object.freeze(response);
}

/** Runs a verification step and turns whatever it throws into a latchkey failure. */
async function mapFailures<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    throw toFailure(error);
  }
}

function toAuthInfo(token: string, location: TokenLocation, payload: JWTPayload, protectedHeader: ProtectedHeaderParameters): AuthInfo {
  return Object.freeze({
    claims: Object.freeze(payload) as Readonly<VerifiedClaims>,
    header: Object.freeze(protectedHeader),
    scopes: scopesOf(payload),
    token,
    location,
  });
}
