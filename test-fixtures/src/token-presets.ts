import { randomBytes } from 'node:crypto';

import { base64url, signCompact, splitCompact, unsignedToken } from './jws.js';
import { publicKeyPem, type TestKey } from './keys.js';
import type { SignTokenOptions } from './tokens.js';

/** Names of the tokens that `TokenFactory.preset` builds, each with the defect it names. */
export const tokenPresets = [
  'valid',
  'expired',
  'notYetValid',
  'wrongAudience',
  'wrongIssuer',
  'unknownKid',
  'algNone',
  'tampered',
  'withWriteScope',
  'missingExp',
  'hs256',
] as const;

export type TokenPreset = (typeof tokenPresets)[number];

/** Factory state for one preset token, with every time read from the same `now()` value. */
export interface PresetContext {
  key: TestKey;
  /** Current time in seconds since the Unix epoch. */
  time: number;
  defaultPayload(): Record<string, unknown>;
  sign(options?: SignTokenOptions): Promise<string>;
  /** Returns a key of the factory key's algorithm whose `kid` is never published. */
  unknownKey(): Promise<TestKey>;
}

/** Audience and issuer values that no fixture issuer or API uses. They are URNs, so nothing fetches them. */
export const wrongAudience = 'urn:latchkey-test:wrong-audience';
export const wrongIssuer = 'urn:latchkey-test:wrong-issuer';

const encoder = new TextEncoder();

/** Keeps the signature of a valid token and swaps in a payload whose `sub` is `admin`. */
async function signTampered(context: PresetContext): Promise<string> {
  const payload = context.defaultPayload();
  const token = await context.sign({ claims: payload });

  const [header, , signature] = splitCompact(token);

  return `${header}.${base64url({ ...payload, sub: 'admin' })}.${signature}`;
}

/**
 * Signs with HS256 and, for an RSA key, uses the UTF-8 bytes of its SPKI PEM as the secret,
 * so a verifier that accepts the token treats the public key as an HMAC secret.
 * The PEM is jose's `exportSPKI` output (64-character lines, no trailing newline), so a PEM
 * with a final newline gives a different secret. For other key types the secret is 32 random bytes.
 */
async function signHs256(context: PresetContext): Promise<string> {
  const secret = context.key.alg === 'RS256' ? encoder.encode(await publicKeyPem(context.key)) : randomBytes(32);
  const header = { alg: 'HS256', typ: 'JWT', kid: context.key.kid };

  return signCompact(header, context.defaultPayload(), secret);
}

/** Builds the named preset token. */
export async function signPreset(name: TokenPreset, context: PresetContext): Promise<string> {
  const { time } = context;

  switch (name) {
    case 'valid':
      return context.sign();
    case 'expired':
      return context.sign({ claims: { iat: time - 7200, exp: time - 3600 } });
    case 'notYetValid':
      return context.sign({ claims: { nbf: time + 3600 } });
    case 'wrongAudience':
      return context.sign({ claims: { aud: wrongAudience } });
    case 'wrongIssuer':
      return context.sign({ claims: { iss: wrongIssuer } });
    case 'unknownKid':
      return context.sign({ key: await context.unknownKey() });
    case 'algNone':
      return unsignedToken({ alg: 'none', typ: 'JWT' }, context.defaultPayload());
    case 'tampered':
      return signTampered(context);
    case 'withWriteScope':
      return context.sign({ claims: { scope: 'read:items write:items' } });
    case 'missingExp':
      return context.sign({ claims: { exp: undefined } });
    case 'hs256':
      return signHs256(context);
    default:
      throw new TypeError(`Unknown token preset "${String(name)}". Use one of: ${tokenPresets.join(', ')}.`);
  }
}
