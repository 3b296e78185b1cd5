import { CompactSign, type CryptoKey, type CompactJWSHeaderParameters } from 'jose';

const encoder = new TextEncoder();

/** Serializes the value as JSON and encodes the UTF-8 bytes as base64url without padding. */
export function base64url(json: unknown): string {
  const text = JSON.stringify(json);

  if (text === undefined) {
    throw new TypeError(`Cannot encode ${typeof json} as JSON. Pass an object, array or primitive JSON value.`);
  }

  return Buffer.from(text, 'utf8').toString('base64url');
}

/**
 * Builds a compact JWS with an empty signature segment (`header.payload.`), as an
 * `alg: none` token has. Neither the header nor the payload is checked.
 */
export function unsignedToken(header: unknown, payload: unknown): string {
  return `${base64url(header)}.${base64url(payload)}.`;
}

/** Splits a compact JWS into its three segments, or throws if it has a different number of parts. */
export function splitCompact(token: string): [header: string, payload: string, signature: string] {
  const parts = token.split('.');
  const [header, payload, signature] = parts;

  if (parts.length !== 3 || header === undefined || payload === undefined || signature === undefined) {
    throw new TypeError(`Invalid compact JWS: expected 3 dot-separated segments, got ${parts.length}.`);
  }

  return [header, payload, signature];
}

/** Returns a copy of the record without the entries whose value is `undefined`. */
export function withoutUndefined(record: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined));
}

/**
 * Signs the JSON payload as a compact JWS with exactly the given protected header.
 * The header's `alg` selects the algorithm and must suit the key, or jose throws.
 */
export function signCompact(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  key: CryptoKey | Uint8Array,
): Promise<string> {
  const signer = new CompactSign(encoder.encode(JSON.stringify(payload)));

  return signer.setProtectedHeader(header as CompactJWSHeaderParameters).sign(key);
}
