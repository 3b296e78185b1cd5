import { base64url } from 'jose';
import { hasDuplicateMember } from './json-members.js';
import { invalidToken } from './map-error.js';

// Invalid UTF-8 is an error, as it is for jose, so both verification paths reject the same tokens.
const decoder = new TextDecoder('utf-8', { fatal: true });

/** The parts of a token read before verification: the issuer, which picks the key source, and the header. */
export interface UnverifiedToken {
  issuer: unknown;
  header: Record<string, unknown>;
  /** The parsed payload, a JSON object; not verified. */
  claims: Record<string, unknown>;
}

/**
 * Checks the shape of a compact JWS and reads its unverified `iss`. The header and the payload
 * must each be a JSON object without duplicate member names. Nothing read here is trusted:
 * verification checks everything again after the signature.
 */
export function inspectToken(token: string): UnverifiedToken {
  const parts = token.split('.');
  if (parts.length !== 3) throw invalidToken('token_malformed');

  const [header = '', payload = ''] = parts;
  const parsedHeader = readObject(header);
  const claims = readObject(payload);
  return { issuer: claims['iss'], header: parsedHeader, claims };
}

// Node's Buffer decodes base64url several times faster than jose's portable decoder. It is used
// only for canonical segments, where both decoders agree; anything else goes through jose.
const CANONICAL_SEGMENT = /^[A-Za-z0-9_-]*$/;
const nodeBuffer = (globalThis as { Buffer?: { from(text: string, encoding: 'base64url'): Uint8Array } }).Buffer;

/** Decodes one base64url segment of a token; throws for text that is not base64url. */
export function decodeSegment(segment: string): Uint8Array {
  if (nodeBuffer !== undefined && segment.length % 4 !== 1 && CANONICAL_SEGMENT.test(segment)) return nodeBuffer.from(segment, 'base64url');
  return base64url.decode(segment);
}

function readObject(segment: string): Record<string, unknown> {
  let json: string;
  let value: unknown;
  try {
    json = decoder.decode(decodeSegment(segment));
    value = JSON.parse(json);
  } catch (error) {
    throw invalidToken('token_malformed', error);
  }

  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidToken('token_malformed');
  if (hasDuplicateMember(json)) throw invalidToken('token_malformed', undefined, 'The token contains a duplicate JSON member name');
  return value as Record<string, unknown>;
}
