/** The RFC 6750 error codes that a Bearer challenge can carry. */
export type BearerErrorCode = 'invalid_request' | 'invalid_token' | 'insufficient_scope';

/** Stable machine codes for every request-time failure. */
export type FailureCode =
  | 'credentials_missing'
  | 'credentials_malformed'
  | 'credentials_multiple'
  | 'credentials_insecure'
  | 'token_malformed'
  | 'token_too_large'
  | 'token_expired'
  | 'token_not_yet_valid'
  | 'token_type_invalid'
  | 'signature_invalid'
  | 'issuer_invalid'
  | 'audience_invalid'
  | 'key_not_found'
  | 'algorithm_not_allowed'
  | 'claim_invalid'
  | 'scope_insufficient'
  | 'claims_insufficient'
  | 'token_revoked'
  | 'key_source_unavailable'
  | 'revocation_unavailable';

export type FailureStatus = 400 | 401 | 403 | 503;

/** Marks latchkey failures, so copies of this package bundled separately recognise each other's errors. */
const LATCHKEY_ERROR = Symbol.for('@latchkey/core.error');

interface FailureInit {
  description: string;
  cause?: unknown;
}

/**
 * Base class of every request-time failure. `code` is stable and safe to switch on.
 * `status` and `bearerError` decide the response. `description` is safe to send to the client
 * because it never contains token text.
 */
export abstract class LatchkeyError extends Error {
  abstract readonly code: FailureCode;
  abstract readonly status: FailureStatus;
  abstract readonly bearerError: BearerErrorCode | undefined;
  readonly description: string;
  readonly [LATCHKEY_ERROR] = true;

  constructor(init: FailureInit) {
    super(init.description, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = new.target.name;
    this.description = init.description;
  }
}

/** No credentials, or an `Authorization` scheme other than Bearer: 401 with a bare challenge. */
export class CredentialsMissingError extends LatchkeyError {
  readonly code = 'credentials_missing';
  readonly status = 401;
  readonly bearerError = undefined;

  constructor(init: FailureInit = { description: 'No bearer token was sent' }) {
    super(init);
  }
}

/** A request whose credentials cannot be read: 400 `invalid_request`. */
export class InvalidRequestError extends LatchkeyError {
  readonly code: 'credentials_malformed' | 'credentials_multiple' | 'credentials_insecure';
  readonly status = 400;
  readonly bearerError = 'invalid_request';

  constructor(code: InvalidRequestError['code'], init: FailureInit) {
    super(init);
    this.code = code;
  }
}

/** Codes of tokens that were read but are not acceptable. */
export type InvalidTokenCode = Extract<
  FailureCode,
  | 'token_malformed'
  | 'token_too_large'
  | 'token_expired'
  | 'token_not_yet_valid'
  | 'token_type_invalid'
  | 'signature_invalid'
  | 'issuer_invalid'
  | 'audience_invalid'
  | 'key_not_found'
  | 'algorithm_not_allowed'
  | 'claim_invalid'
  | 'token_revoked'
>;

/** A token that is malformed, expired, badly signed or fails a claim check: 401 `invalid_token`. */
export class InvalidTokenError extends LatchkeyError {
  readonly code: InvalidTokenCode;
  readonly status = 401;
  readonly bearerError = 'invalid_token';

  constructor(code: InvalidTokenCode, init: FailureInit) {
    super(init);
    this.code = code;
  }
}

/** An authenticated request that lacks a scope or claim the route needs: 403 `insufficient_scope`. */
export class InsufficientScopeError extends LatchkeyError {
  readonly code: 'scope_insufficient' | 'claims_insufficient';
  readonly status = 403;
  readonly bearerError = 'insufficient_scope';
  /** Scopes the route needs, sent in the challenge's `scope` attribute. */
  readonly requiredScopes: readonly string[];

  constructor(
    code: InsufficientScopeError['code'],
    init: FailureInit & { requiredScopes?: readonly string[] },
  ) {
    super(init);
    this.code = code;
    this.requiredScopes = Object.freeze([...(init.requiredScopes ?? [])]);
  }
}

/** A failure of a service that latchkey depends on: 503 with `Retry-After` and no challenge. */
export abstract class ServiceUnavailableError extends LatchkeyError {
  abstract override readonly code: 'key_source_unavailable' | 'revocation_unavailable';
  readonly status = 503;
  readonly bearerError = undefined;
  /** Seconds after which a retry can succeed. */
  readonly retryAfter: number;

  constructor(init: FailureInit & { retryAfter: number }) {
    super(init);
    this.retryAfter = Math.max(1, Math.ceil(init.retryAfter));
  }
}

/**
 * Keys could not be obtained and no usable key is cached: 503 with `Retry-After`.
 * Clients must not treat this as a bad token.
 */
export class KeySourceUnavailableError extends ServiceUnavailableError {
  readonly code = 'key_source_unavailable';
}

/**
 * The revocation store could not be asked whether a token is revoked: 503 with `Retry-After`.
 * The token may be fine, so a 401 would make clients discard it, and a 200 could let a revoked
 * token through.
 */
export class RevocationUnavailableError extends ServiceUnavailableError {
  readonly code = 'revocation_unavailable';
}

/**
 * A configuration mistake, thrown when a verifier or middleware is created.
 * `option` names the option at fault, and the message explains the fix.
 */
export class ConfigurationError extends Error {
  readonly code = 'configuration_invalid';
  readonly option: string;
  /** The problem with the value, without the option name. */
  readonly problem: string;
  /** The fix to apply. */
  readonly fix: string;

  constructor(option: string, problem: string, fix: string, options?: { cause?: unknown }) {
    super(`latchkey: option "${option}" ${problem}. ${fix}.`, options);
    this.name = 'ConfigurationError';
    this.option = option;
    this.problem = problem;
    this.fix = fix;
  }
}

/** Tells whether a value is a latchkey request-time failure, also one created by another bundled copy of this package. */
export function isLatchkeyError(value: unknown): value is LatchkeyError {
  return value instanceof LatchkeyError || (typeof value === 'object' && value !== null && (value as { [LATCHKEY_ERROR]?: unknown })[LATCHKEY_ERROR] === true);
}
