import { decodeJwt, jwtVerify, type JWTVerifyOptions } from 'jose';
import { type ResolvedConfig, resolveConfig } from './config/index.js';
import { CredentialsMissingError, type LatchkeyError } from './errors.js';
import type { KeySourceEventListener } from './events.js';
import { type CredentialRequest, extractToken, type TokenLocation } from './extract.js';
import { createKeySource, type KeySource } from './key-sources/index.js';
import { invalidToken, toFailure } from './map-error.js';
import type { VerifierOptions } from './options.js';
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
  /** The checked, frozen settings. */
  readonly config: ResolvedConfig;
}

export interface VerifierHooks {
  /** Receives key source events: fetches, failures, cooldowns, stale use and skipped keys. */
  onEvent?: KeySourceEventListener;
}

/**
 * Creates a verifier. Every option is checked here, so a configuration mistake throws a
 * ConfigurationError at start-up instead of failing requests later.
 */
export function createVerifier(options: VerifierOptions & VerifierHooks): Verifier {
  const config = resolveConfig(options);
  const keySource = createKeySource(config, options.onEvent);
  const joseOptions = toJoseOptions(config);

  const verify = async (token: string, location: TokenLocation = 'header'): Promise<AuthInfo> => {
    if (token.length > config.maxTokenLength) {
      throw invalidToken('token_too_large', undefined, `The token is longer than ${config.maxTokenLength} characters`);
    }
    rejectForeignIssuer(token, config);

    try {
      return await verifyWithKeys(token, location, keySource, joseOptions, config);
    } catch (error) {
      throw toFailure(error);
    }
  };

  const authenticate = async (request: CredentialRequest): Promise<AuthInfo> => {
    const { token, location } = extractToken(request, config);
    return verify(token, location);
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

  return Object.freeze({ verify, authenticate, authenticateOptional, render, config });
}

async function verifyWithKeys(
  token: string,
  location: TokenLocation,
  keySource: KeySource,
  joseOptions: JWTVerifyOptions,
  config: ResolvedConfig,
): Promise<AuthInfo> {
  const options = { ...joseOptions, currentDate: new Date(config.clock()) };
  const { payload, protectedHeader } = await jwtVerify(token, (header, jws) => keySource.getKey(header, jws), options);

  const claims = Object.freeze(payload) as Readonly<VerifiedClaims>;
  return Object.freeze({
    claims,
    header: Object.freeze(protectedHeader),
    scopes: scopesOf(payload),
    token,
    location,
  });
}

/**
 * Checks `iss` before any key is looked up, so a token naming a foreign issuer never causes
 * a key fetch. The full verification checks it again after the signature.
 */
function rejectForeignIssuer(token: string, config: ResolvedConfig): void {
  if (config.issuer === null) return;

  let issuer: unknown;
  try {
    issuer = decodeJwt(token).iss;
  } catch (error) {
    throw invalidToken('token_malformed', error);
  }
  if (typeof issuer !== 'string' || !config.issuer.includes(issuer)) {
    throw invalidToken('issuer_invalid');
  }
}

function toJoseOptions(config: ResolvedConfig): JWTVerifyOptions {
  return Object.freeze({
    algorithms: [...config.algorithms],
    clockTolerance: config.clockTolerance,
    requiredClaims: [...config.requiredClaims],
    ...(config.issuer === null ? {} : { issuer: [...config.issuer] }),
    ...(config.audience === null ? {} : { audience: [...config.audience] }),
    ...(config.maxTokenAge === undefined ? {} : { maxTokenAge: config.maxTokenAge }),
    ...(config.typ === undefined ? {} : { typ: config.typ }),
  });
}
