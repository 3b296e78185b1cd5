import { decodeJwt, jwtVerify } from 'jose';
import { type ResolvedConfig, resolveConfig } from './config/index.js';
import { createEventEmitter } from './diagnostics.js';
import { CredentialsMissingError, type LatchkeyError } from './errors.js';
import { type CredentialRequest, extractToken, type TokenLocation } from './extract.js';
import { type IssuerRuntime, IssuerDirectory } from './issuer-directory.js';
import { createKeySourceContext } from './key-sources/index.js';
import { invalidToken, toFailure } from './map-error.js';
import type { KeySourceEventListener } from './events.js';
import type { VerifierOptions } from './options.js';
import { type PreloadReport, preloadIssuers } from './preload.js';
import { type RenderedFailure, renderFailure } from './render.js';
import { scopesOf } from './scopes.js';
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
  onEvent?: KeySourceEventListener;
}

/**
 * Creates a verifier. Every option is checked here, so a configuration mistake throws a
 * ConfigurationError at start-up instead of failing requests later.
 */
export function createVerifier(options: VerifierOptions): Verifier {
  const config = resolveConfig(options);
  const context = createKeySourceContext(config, createEventEmitter(config.onEvent));
  const directory = new IssuerDirectory(config, context);

  const verifyFor = async (token: string, location: TokenLocation, request: CredentialRequest | undefined): Promise<AuthInfo> => {
    if (token.length > config.maxTokenLength) {
      throw invalidToken('token_too_large', undefined, `The token is longer than ${config.maxTokenLength} characters`);
    }

    // An issuer resolver's own errors pass through unchanged: they are not token failures.
    const runtime = await directory.select(unverifiedIssuer(token), request);

    try {
      return await verifyWithKeys(token, location, runtime, config);
    } catch (error) {
      throw toFailure(error);
    }
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

  const render = (failure: LatchkeyError) => renderFailure(failure, { realm: config.realm });
  const preload = () => preloadIssuers(directory.listed, config);

  return Object.freeze({ verify, authenticate, authenticateOptional, render, preload, config });
}

async function verifyWithKeys(token: string, location: TokenLocation, runtime: IssuerRuntime, config: ResolvedConfig): Promise<AuthInfo> {
  const options = { ...runtime.joseOptions, currentDate: new Date(config.clock()) };
  const { payload, protectedHeader } = await jwtVerify(token, (header, jws) => runtime.keySource.getKey(header, jws), options);

  return Object.freeze({
    claims: Object.freeze(payload) as Readonly<VerifiedClaims>,
    header: Object.freeze(protectedHeader),
    scopes: scopesOf(payload),
    token,
    location,
  });
}

/**
 * Reads `iss` without verifying anything, only to pick the issuer, so a token naming a foreign
 * issuer is rejected before any key fetch. Verification checks `iss` again after the signature.
 */
function unverifiedIssuer(token: string): unknown {
  try {
    return decodeJwt(token).iss;
  } catch (error) {
    throw invalidToken('token_malformed', error);
  }
}
