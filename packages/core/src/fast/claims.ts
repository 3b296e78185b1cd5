import { base64url, type JWTPayload, type JWTVerifyOptions, UnsecuredJWT } from 'jose';

const NONE_HEADER = base64url.encode(JSON.stringify({ alg: 'none' }));

// Stand-in headers by `typ` value; tokens of one issuer use one or two values, so this stays small.
const standInHeaders = new Map<string, string>();
const MAX_STAND_IN_HEADERS = 64;

/**
 * Validates the claims of a token whose signature was verified elsewhere, with jose's own claim
 * rules: the payload segment is checked by `UnsecuredJWT.decode` under the same options, with a
 * stand-in header that carries only the token's `typ`. So both verification paths reach the same
 * result and throw the same jose errors for every claim.
 */
export function validateClaims(header: Record<string, unknown>, payloadSegment: string, options: JWTVerifyOptions): JWTPayload {
  return UnsecuredJWT.decode(`${standInHeader(header['typ'])}.${payloadSegment}.`, options).payload;
}

function standInHeader(typ: unknown): string {
  if (typ === undefined) return NONE_HEADER;
  if (typeof typ !== 'string') return base64url.encode(JSON.stringify({ alg: 'none', typ }));

  let encoded = standInHeaders.get(typ);
  if (encoded === undefined) {
    encoded = base64url.encode(JSON.stringify({ alg: 'none', typ }));
    if (standInHeaders.size < MAX_STAND_IN_HEADERS) standInHeaders.set(typ, encoded);
  }
  return encoded;
}
