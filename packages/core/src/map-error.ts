import { errors } from 'jose';
import { InvalidTokenError, type InvalidTokenCode, LatchkeyError } from './errors.js';

const DESCRIPTIONS: Readonly<Record<InvalidTokenCode, string>> = {
  token_malformed: 'The token is malformed',
  token_too_large: 'The token is too large',
  token_expired: 'The token has expired',
  token_not_yet_valid: 'The token is not valid yet',
  token_type_invalid: 'The token type is not accepted',
  signature_invalid: 'The token signature is invalid',
  issuer_invalid: 'The token issuer is not accepted',
  audience_invalid: 'The token audience is not accepted',
  key_not_found: 'No signing key matches the token key id',
  algorithm_not_allowed: 'The token algorithm is not allowed',
  claim_invalid: 'A token claim is missing or invalid',
  token_revoked: 'The token has been revoked',
};

/** Builds an InvalidTokenError with the standard description of its code. */
export function invalidToken(code: InvalidTokenCode, cause?: unknown, description = DESCRIPTIONS[code]): InvalidTokenError {
  return new InvalidTokenError(code, { description, cause });
}

/**
 * Turns whatever verification threw into a latchkey failure. jose errors map by their class.
 * Anything else, such as a key of the wrong type for the algorithm, becomes `signature_invalid`,
 * so a token that could not be verified is rejected with a 401 and never causes a 500.
 */
export function toFailure(error: unknown): LatchkeyError {
  if (error instanceof LatchkeyError) return error;

  if (error instanceof errors.JWTExpired) return invalidToken('token_expired', error);
  if (error instanceof errors.JWTClaimValidationFailed) return claimFailure(error);
  if (error instanceof errors.JOSEAlgNotAllowed) return invalidToken('algorithm_not_allowed', error);
  if (error instanceof errors.JWSSignatureVerificationFailed) return invalidToken('signature_invalid', error);
  if (error instanceof errors.JWKSNoMatchingKey) return invalidToken('key_not_found', error);
  if (error instanceof errors.JWKSMultipleMatchingKeys) return invalidToken('signature_invalid', error);
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return invalidToken('token_malformed', error);
  if (error instanceof errors.JOSENotSupported) return invalidToken('token_malformed', error);
  return invalidToken('signature_invalid', error);
}

function claimFailure(error: InstanceType<typeof errors.JWTClaimValidationFailed>): InvalidTokenError {
  switch (error.claim) {
    case 'iss':
      return invalidToken('issuer_invalid', error);
    case 'aud':
      return invalidToken('audience_invalid', error);
    case 'nbf':
      return invalidToken('token_not_yet_valid', error);
    case 'typ':
      return invalidToken('token_type_invalid', error);
    default:
      return invalidToken('claim_invalid', error, describeClaim(error.claim, error.reason));
  }
}

function describeClaim(claim: string, reason: string): string {
  const safeClaim = /^[A-Za-z0-9_:.-]{1,64}$/.test(claim) ? claim : 'A';
  if (reason === 'missing') return `The ${safeClaim} claim is missing`;
  return `The ${safeClaim} claim is invalid`;
}
