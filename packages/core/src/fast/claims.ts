import { errors, type JWTPayload, type JWTVerifyOptions } from 'jose';

// The claim rules of jose 6's jwtVerify (lib/jwt_claims_set.js), applied to claims that were
// already parsed, so a token is decoded once. Errors are jose's own classes with jose's claim
// names and reasons, so both verification paths map them to the same failures. The differential
// test in engines.test.ts checks that on fuzzed tokens.

const CHECK_FAILED = 'check_failed';

function normalizeTyp(value: string): string {
  const lower = value.toLowerCase();
  return value.includes('/') ? lower : `application/${lower}`;
}

function audienceMatches(claim: unknown, accepted: readonly string[]): boolean {
  if (typeof claim === 'string') return accepted.includes(claim);
  if (Array.isArray(claim)) return accepted.some((audience) => claim.includes(audience));
  return false;
}

function numericDate(claims: JWTPayload, name: 'iat' | 'nbf' | 'exp', required: boolean): number | undefined {
  const value = claims[name];
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'number') throw new errors.JWTClaimValidationFailed(`"${name}" claim must be a number`, claims, name, 'invalid');
  return value;
}

function asList(value: string | string[] | undefined): readonly string[] | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? [value] : value;
}

/**
 * Validates parsed claims with jose's rules: `typ`, required claims, `iss`, `aud`, `nbf`, `exp`
 * and the maximum age. `options` are the jose options a verifier runs with; `clockTolerance` and
 * `maxTokenAge` are numbers of seconds there.
 */
export function validateClaims(header: Record<string, unknown>, claims: JWTPayload, options: JWTVerifyOptions): JWTPayload {
  const { typ } = options;
  if (typ !== undefined && (typeof header['typ'] !== 'string' || normalizeTyp(header['typ']) !== normalizeTyp(typ))) {
    throw new errors.JWTClaimValidationFailed('unexpected "typ" JWT header value', claims, 'typ', CHECK_FAILED);
  }

  checkPresence(claims, options);

  const issuers = asList(options.issuer);
  if (issuers !== undefined && !issuers.includes(claims.iss as string)) throw new errors.JWTClaimValidationFailed('unexpected "iss" claim value', claims, 'iss', CHECK_FAILED);
  const audiences = asList(options.audience);
  if (audiences !== undefined && !audienceMatches(claims.aud, audiences)) throw new errors.JWTClaimValidationFailed('unexpected "aud" claim value', claims, 'aud', CHECK_FAILED);

  checkTimes(claims, options);
  return claims;
}

function checkPresence(claims: JWTPayload, options: JWTVerifyOptions): void {
  const required = [...(options.requiredClaims ?? [])];
  if (options.maxTokenAge !== undefined) required.push('iat');
  if (options.audience !== undefined) required.push('aud');
  if (options.issuer !== undefined) required.push('iss');

  for (const claim of new Set(required.reverse())) {
    if (!Object.hasOwn(claims, claim)) throw new errors.JWTClaimValidationFailed(`missing required "${claim}" claim`, claims, claim, 'missing');
  }
}

/** Checks `nbf`, `exp` and the age against the current time. These are the checks a cached verification repeats. */
export function checkTimes(claims: JWTPayload, options: JWTVerifyOptions): void {
  const tolerance = typeof options.clockTolerance === 'number' ? options.clockTolerance : 0;
  const now = Math.floor((options.currentDate ?? new Date()).getTime() / 1000);
  const maxTokenAge = typeof options.maxTokenAge === 'number' ? options.maxTokenAge : undefined;

  const iat = numericDate(claims, 'iat', maxTokenAge !== undefined);
  const nbf = numericDate(claims, 'nbf', false);
  if (nbf !== undefined && nbf > now + tolerance) throw new errors.JWTClaimValidationFailed('"nbf" claim timestamp check failed', claims, 'nbf', CHECK_FAILED);

  const exp = numericDate(claims, 'exp', false);
  if (exp !== undefined && exp <= now - tolerance) throw new errors.JWTExpired('"exp" claim timestamp check failed', claims, 'exp', CHECK_FAILED);

  if (maxTokenAge !== undefined && iat !== undefined) {
    const age = now - iat;
    if (age - tolerance > maxTokenAge) throw new errors.JWTExpired('"iat" claim timestamp check failed (too far in the past)', claims, 'iat', CHECK_FAILED);
    if (age < -tolerance) throw new errors.JWTClaimValidationFailed('"iat" claim timestamp check failed (it should be in the past)', claims, 'iat', CHECK_FAILED);
  }
}
