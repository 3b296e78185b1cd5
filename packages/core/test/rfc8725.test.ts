// The JWT Best Current Practices (RFC 8725) as a checklist: one block per recommendation that a
// verifier can enforce, each with the input that would pass if it did not.
import { generateKeyPairSync } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { exportJWK, SignJWT } from 'jose';
import { createTokenFactory, generateTestKey, publicKeyPem, startIssuer, type TestKey, type TokenFactory, unsignedToken } from '@latchkey/test-fixtures';
import { createVerifier, type LatchkeyError, type Verifier, type VerifierOptions } from '@latchkey/core';

const ISSUER = 'https://auth.example.com/';
const AUDIENCE = 'https://api.example.com';
const T = 1_700_000_000;

let rsa: TestKey;
let ec: TestKey;
let tokens: TokenFactory;

beforeAll(async () => {
  rsa = await generateTestKey('RS256', 'k1');
  ec = await generateTestKey('ES256', 'e1');
  tokens = createTokenFactory({ issuer: ISSUER, audience: AUDIENCE, key: rsa, now: () => T });
});

function verifierWith(options: Partial<VerifierOptions> = {}): Verifier {
  return createVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: { keys: [rsa.publicJwk, ec.publicJwk] }, clock: () => T * 1000, ...options } as VerifierOptions);
}

async function outcome(verifier: Verifier, token: string): Promise<string> {
  return verifier.verify(token).then(
    () => 'accepted',
    (error: unknown) => (error as LatchkeyError).code,
  );
}

describe('RFC 8725 §3.1: algorithm verification', () => {
  it('accepts only allowlisted algorithms, never none', async () => {
    const verifier = verifierWith({ algorithms: ['ES256'] });

    expect(await outcome(verifier, await tokens.sign({ key: ec }))).toBe('accepted');
    expect(await outcome(verifier, await tokens.sign())).toBe('algorithm_not_allowed');
    expect(await outcome(verifier, unsignedToken({ alg: 'none' }, { iss: ISSUER, aud: AUDIENCE, exp: T + 60 }))).toBe('algorithm_not_allowed');
  });

  it('never lets none into the allowlist', () => {
    expect(() => verifierWith({ algorithms: ['none' as 'RS256'] })).toThrow(/none/);
  });
});

describe('RFC 8725 §3.2 and §2.1: key and algorithm binding', () => {
  it('uses each key only with its own algorithm', async () => {
    const forged = await new SignJWT({ iss: ISSUER, aud: AUDIENCE, exp: T + 60 })
      .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
      .sign(new TextEncoder().encode(await publicKeyPem(rsa)));

    expect(await outcome(verifierWith(), forged)).toBe('algorithm_not_allowed');
    expect(await outcome(verifierWith(), await tokens.sign({ key: ec, header: { kid: 'k1' } }))).not.toBe('accepted');
  });

  it('rejects an HMAC algorithm next to public keys at start-up', () => {
    expect(() => verifierWith({ algorithms: ['RS256', 'HS256'] })).toThrow(/shared secret/);
  });
});

describe('RFC 8725 §3.4 and §3.5: key strength', () => {
  it('refuses RSA keys under 2048 bits and short secrets', async () => {
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const weakJwk = { ...(await exportJWK(weak.publicKey)), kid: 'w' };

    expect(() => verifierWith({ jwks: undefined, publicKey: weak.publicKey } as Partial<VerifierOptions>)).toThrow(/1024 bits/);
    expect(() => verifierWith({ jwks: { keys: [weakJwk] } })).toThrow(/bits/);
    expect(() => createVerifier({ issuer: ISSUER, audience: AUDIENCE, secret: 'x'.repeat(31) })).toThrow(/32 bytes/);
  });
});

describe('RFC 8725 §3.8: issuer and key ownership', () => {
  it('requires the configured issuer', async () => {
    expect(await outcome(verifierWith(), await tokens.preset('wrongIssuer'))).toBe('issuer_invalid');
    expect(await outcome(verifierWith(), await tokens.sign({ claims: { iss: undefined } }))).toBe('issuer_invalid');
  });

  it('keeps the keys of one issuer away from the tokens of another', async () => {
    const other = await startIssuer({ keys: [rsa] });
    const verifier = createVerifier({
      audience: AUDIENCE,
      issuers: [
        { issuer: ISSUER, jwks: { keys: [ec.publicJwk] } },
        { issuer: other.issuer, jwksUri: other.jwksUri },
      ],
      clock: () => T * 1000,
    });

    expect(await outcome(verifier, await tokens.sign())).not.toBe('accepted');
    expect(await outcome(verifier, await tokens.sign({ claims: { iss: other.issuer } }))).toBe('accepted');
    await other.close();
  });
});

describe('RFC 8725 §3.9: audience', () => {
  it('requires the configured audience', async () => {
    expect(await outcome(verifierWith(), await tokens.preset('wrongAudience'))).toBe('audience_invalid');
    expect(await outcome(verifierWith(), await tokens.sign({ claims: { aud: undefined } }))).toBe('audience_invalid');
  });
});

describe('RFC 8725 §3.10: received claims are not trusted for key lookup', () => {
  it('ignores jwk, jku, x5u and x5c', async () => {
    const attacker = await generateTestKey('RS256', 'evil');
    const headers = [{ jwk: attacker.publicJwk }, { jku: 'https://attacker.example.net/jwks.json' }, { x5u: 'https://attacker.example.net/cert.pem' }, { x5c: ['MIIB'] }];

    for (const header of headers) {
      expect(await outcome(verifierWith(), await tokens.sign({ key: attacker, header }))).toBe('key_not_found');
    }
  });
});

describe('RFC 8725 §3.11 and §3.12: explicit typing against cross-JWT confusion', () => {
  it('rejects an ID token where access tokens are required', async () => {
    const verifier = verifierWith({ typ: 'at+jwt' });
    const idToken = await tokens.sign({ header: { typ: 'JWT' }, claims: { aud: AUDIENCE, nonce: 'n1', auth_time: T - 100 } });
    const accessToken = await tokens.sign({ header: { typ: 'at+jwt' }, claims: { client_id: 'app-1', jti: 'j-1' } });

    expect(await outcome(verifier, idToken)).toBe('token_type_invalid');
    expect(await outcome(verifier, accessToken)).toBe('accepted');
  });
});

describe('RFC 7515 §4.1.11: crit', () => {
  it('rejects critical extensions it does not understand', async () => {
    const { signRawCompact } = await import('@latchkey/test-fixtures');
    const claims = JSON.stringify({ iss: ISSUER, aud: AUDIENCE, exp: T + 60 });

    for (const header of [{ crit: ['x-policy'], 'x-policy': 1 }, { crit: ['b64'], b64: false }, { crit: [] }, { crit: ['alg'] }, { crit: 'x-policy' }]) {
      const token = await signRawCompact(JSON.stringify({ alg: 'RS256', kid: 'k1', ...header }), claims, rsa.privateKey, 'RS256');
      expect(await outcome(verifierWith(), token)).toBe('token_malformed');
    }
  });
});

describe('RFC 8725 §3.9 and RFC 7519 §4.1.4: expiry', () => {
  it('requires exp unless turned off on purpose', async () => {
    expect(await outcome(verifierWith(), await tokens.preset('missingExp'))).toBe('claim_invalid');
    expect(await outcome(verifierWith({ requireExpiration: false }), await tokens.preset('missingExp'))).toBe('accepted');
  });
});
