/** The time claims of a JWT, in seconds since the Unix epoch. */
export interface TokenTimes {
  exp?: number;
  iat?: number;
}

/**
 * Reads `exp` and `iat` from a JWS compact token's payload without verifying the signature.
 * The client only uses them to time refreshes, and the API checks the signature. Returns an empty
 * object for an opaque token or a payload that is not a JSON object.
 */
export function readTokenTimes(token: string): TokenTimes {
  const segments = token.split('.');
  if (segments.length !== 3) return {};

  const payload = parseJsonObject(decodeBase64Url(segments[1] ?? ''));
  if (payload === undefined) return {};

  const times: TokenTimes = {};
  if (isTime(payload['exp'])) times.exp = payload['exp'];
  if (isTime(payload['iat'])) times.iat = payload['iat'];
  return times;
}

function isTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** Decodes unpadded base64url (RFC 4648 §5) to UTF-8 text, or returns undefined when it is not base64url. */
function decodeBase64Url(segment: string): string | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(segment) || segment.length % 4 === 1) return undefined;

  const base64 = segment.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(segment.length / 4) * 4, '=');
  const binary = atob(base64);
  const bytes = Uint8Array.from(binary, (character) => character.charCodeAt(0));

  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

function parseJsonObject(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;

  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    return value as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
