import { base64url, type JWTPayload, type JWTVerifyOptions, UnsecuredJWT } from 'jose';

const NONE_HEADER = base64url.encode(JSON.stringify({ alg: 'none' }));

/**
 * Validates the claims of a token whose signature was verified elsewhere, with jose's own claim
 * rules: the payload segment is checked by `UnsecuredJWT.decode` under the same options, with a
 * stand-in header that carries only the token's `typ`. So both verification paths reach the same
 * result and throw the same jose errors for every claim.
 */
export function validateClaims(header: Record<string, unknown>, payloadSegment: string, options: JWTVerifyOptions): JWTPayload {
  const typ = header['typ'];
  const standIn = typ === undefined ? NONE_HEADER : base64url.encode(JSON.stringify({ alg: 'none', typ }));
  return UnsecuredJWT.decode(`${standIn}.${payloadSegment}.`, options).payload;
}
