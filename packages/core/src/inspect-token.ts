import { base64url } from 'jose';
import { hasDuplicateMember } from './json-members.js';
import { invalidToken } from './map-error.js';

// Invalid UTF-8 is an error, as it is for jose, so both verification paths reject the same tokens.
const decoder = new TextDecoder('utf-8', { fatal: true });

/** The parts of a token read before verification: the issuer, which picks the key source, and the header. */
export interface UnverifiedToken {
  issuer: unknown;
  header: Record<string, unknown>;
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
  return { issuer: claims['iss'], header: parsedHeader };
}

function readObject(segment: string): Record<string, unknown> {
  let json: string;
  let value: unknown;
  try {
    json = decoder.decode(base64url.decode(segment));
    value = JSON.parse(json);
  } catch (error) {
    throw invalidToken('token_malformed', error);
  }

  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidToken('token_malformed');
  if (hasDuplicateMember(json)) throw invalidToken('token_malformed', undefined, 'The token contains a duplicate JSON member name');
  return value as Record<string, unknown>;
}
