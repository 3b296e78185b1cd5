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

const SIGNING_ALGORITHMS: Readonly<Record<string, AlgorithmIdentifier | EcdsaParams>> = {
  RS256: 'RSASSA-PKCS1-v1_5',
  ES256: { name: 'ECDSA', hash: 'SHA-256' },
  EdDSA: 'Ed25519',
};

/**
 * Signs the exact header and payload texts, which may be any bytes (duplicate members, unknown
 * `crit` values, a payload that is not an object): input that jose's own signer refuses.
 * `alg` picks the Web Crypto algorithm of the key: RS256, ES256 or EdDSA.
 */
export async function signRawCompact(headerJson: string, payloadJson: string, privateKey: CryptoKey, alg: 'RS256' | 'ES256' | 'EdDSA'): Promise<string> {
  const input = `${Buffer.from(headerJson, 'utf8').toString('base64url')}.${Buffer.from(payloadJson, 'utf8').toString('base64url')}`;
  const algorithm = SIGNING_ALGORITHMS[alg];
  if (algorithm === undefined) throw new TypeError(`Unsupported alg ${alg}. Use RS256, ES256 or EdDSA.`);

  const signature = await crypto.subtle.sign(algorithm, privateKey, encoder.encode(input));
  return `${input}.${Buffer.from(signature).toString('base64url')}`;
}
