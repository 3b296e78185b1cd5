import { beforeAll, describe, expect, it } from 'vitest';
import { createTokenFactory, generateTestKey, generateTestKeys, publicKeyPem, type TestKey, type TokenFactory, toJwks } from '@latchkey/test-fixtures';
import { createVerifier, InvalidTokenError, type LatchkeyError, type VerifierOptions } from '@latchkey/core';

const ISSUER = 'https://auth.example.com/';
const AUDIENCE = 'https://api.example.com';
const NOW = 1_700_000_000;

let keys: { rsa: TestKey; ec: TestKey; ed: TestKey };
let tokens: TokenFactory;

beforeAll(async () => {
  keys = await generateTestKeys();
  tokens = createTokenFactory({ issuer: ISSUER, audience: AUDIENCE, key: keys.rsa, now: () => NOW });
});

function verifierWith(options: Partial<VerifierOptions> = {}, nowSeconds = NOW) {
  return createVerifier({
    issuer: ISSUER,
    audience: AUDIENCE,
    jwks: toJwks([keys.rsa, keys.ec, keys.ed]),
    clock: () => nowSeconds * 1000,
    ...options,
  } as VerifierOptions);
}

/** Signs any header as given, which jose's own signer would refuse for unknown crit values. */
async function signRaw(header: object, payload: object, key: TestKey): Promise<string> {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${encode(header)}.${encode(payload)}`;
  const signature = await crypto.subtle.sign('RSASSA-PKCS1-v1_5', key.privateKey, new TextEncoder().encode(input));
  return `${input}.${Buffer.from(signature).toString('base64url')}`;
}

async function failureCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as LatchkeyError).code;
  }
  return 'accepted';
}

describe('verify with a static key set', () => {
  it('accepts a valid token of each key type', async () => {
    const verifier = verifierWith();

    for (const key of [keys.rsa, keys.ec, keys.ed]) {
      const auth = await verifier.verify(await tokens.sign({ key }));
      expect(auth.claims.sub).toBe('user-123');
      expect(auth.header.kid).toBe(key.kid);
      expect(auth.scopes).toEqual(['read:items']);
    }
  });

  it.each([
    ['expired', 'token_expired'],
    ['notYetValid', 'token_not_yet_valid'],
    ['wrongAudience', 'audience_invalid'],
    ['wrongIssuer', 'issuer_invalid'],
    ['unknownKid', 'key_not_found'],
    ['algNone', 'algorithm_not_allowed'],
    ['tampered', 'signature_invalid'],
    ['missingExp', 'claim_invalid'],
    ['hs256', 'algorithm_not_allowed'],
  ] as const)('rejects the %s preset as %s', async (preset, code) => {
    const error = await verifierWith().verify(await tokens.preset(preset)).catch((failure: unknown) => failure);

    expect(error).toBeInstanceOf(InvalidTokenError);
    expect((error as InvalidTokenError).code).toBe(code);
    expect((error as InvalidTokenError).status).toBe(401);
  });

  it.each(['None', 'NONE', 'nOnE'])('rejects alg %s', async (alg) => {
    const token = await tokens.preset('algNone');
    const [, payload] = token.split('.');
    const header = Buffer.from(JSON.stringify({ alg, typ: 'JWT', kid: keys.rsa.kid })).toString('base64url');

    expect(await failureCode(verifierWith().verify(`${header}.${payload}.`))).toBe('algorithm_not_allowed');
  });

  it('keeps the cause of a failure', async () => {
    const error = (await verifierWith().verify(await tokens.preset('expired')).catch((failure: unknown) => failure)) as Error;

    expect(error.cause).toBeInstanceOf(Error);
    expect(error.message).not.toContain('eyJ');
  });

  it.each([
    ['not a jwt', 'token_malformed'],
    ['a.b.c', 'token_malformed'],
    ['....', 'token_malformed'],
    ['', 'token_malformed'],
  ])('rejects the malformed input %j', async (input, code) => {
    expect(await failureCode(verifierWith().verify(input))).toBe(code);
  });

  it('allows the configured clock tolerance', async () => {
    const token = await tokens.sign({ claims: { exp: NOW - 4 } });

    expect(await failureCode(verifierWith({}, NOW).verify(token))).toBe('accepted');
    expect(await failureCode(verifierWith({ clockTolerance: 0 }).verify(token))).toBe('token_expired');
  });

  it('rejects exp, nbf and iat of the wrong type', async () => {
    for (const claims of [{ exp: String(NOW + 60) }, { nbf: 'soon' }, { iat: true }]) {
      expect(await failureCode(verifierWith().verify(await tokens.sign({ claims })))).not.toBe('accepted');
    }
  });

  it('accepts a token without exp when required expiration is off', async () => {
    const token = await tokens.preset('missingExp');

    expect(await failureCode(verifierWith({ requireExpiration: false }).verify(token))).toBe('accepted');
  });

  it('enforces the maximum token age', async () => {
    const token = await tokens.sign({ claims: { iat: NOW - 600 } });

    expect(await failureCode(verifierWith({ maxTokenAge: 300 }).verify(token))).toBe('token_expired');
    expect(await failureCode(verifierWith({ maxTokenAge: 900 }).verify(token))).toBe('accepted');
  });

  it('enforces required claims', async () => {
    const token = await tokens.sign({ claims: { jti: undefined } });

    expect(await failureCode(verifierWith({ requiredClaims: ['jti'] }).verify(token))).toBe('claim_invalid');
  });

  it('enforces the typ header', async () => {
    const verifier = verifierWith({ typ: 'at+jwt' });

    expect(await failureCode(verifier.verify(await tokens.sign()))).toBe('token_type_invalid');
    expect(await failureCode(verifier.verify(await tokens.sign({ header: { typ: 'at+jwt' } })))).toBe('accepted');
    expect(await failureCode(verifier.verify(await tokens.sign({ header: { typ: 'application/AT+JWT' } })))).toBe('accepted');
  });

  it('matches audiences in an aud array exactly', async () => {
    const verifier = verifierWith();

    expect(await failureCode(verifier.verify(await tokens.sign({ claims: { aud: ['other', AUDIENCE] } })))).toBe('accepted');
    expect(await failureCode(verifier.verify(await tokens.sign({ claims: { aud: [`${AUDIENCE}/`] } })))).toBe('audience_invalid');
    expect(await failureCode(verifier.verify(await tokens.sign({ claims: { aud: [] } })))).toBe('audience_invalid');
  });

  it('compares the issuer exactly', async () => {
    const verifier = verifierWith();

    for (const iss of ['https://auth.example.com', 'https://AUTH.example.com/', `${ISSUER} `, undefined]) {
      expect(await failureCode(verifier.verify(await tokens.sign({ claims: { iss } })))).toBe('issuer_invalid');
    }
  });

  it('skips the issuer and audience checks only when set to null', async () => {
    const verifier = verifierWith({ issuer: null, audience: null });

    expect(await failureCode(verifier.verify(await tokens.preset('wrongIssuer')))).toBe('accepted');
    expect(await failureCode(verifier.verify(await tokens.preset('wrongAudience')))).toBe('accepted');
  });

  it('accepts any of several issuers', async () => {
    const verifier = verifierWith({ issuer: ['https://other.example/', ISSUER] });

    expect(await failureCode(verifier.verify(await tokens.sign()))).toBe('accepted');
  });

  it('rejects a token above the length limit before decoding', async () => {
    const token = await tokens.sign({ claims: { padding: 'x'.repeat(9000) } });

    expect(await failureCode(verifierWith().verify(token))).toBe('token_too_large');
    expect(await failureCode(verifierWith({ maxTokenLength: 20_000 }).verify(token))).toBe('accepted');
  });

  it('applies the algorithm allowlist before the key', async () => {
    const verifier = verifierWith({ algorithms: ['ES256'] });

    expect(await failureCode(verifier.verify(await tokens.sign()))).toBe('algorithm_not_allowed');
    expect(await failureCode(verifier.verify(await tokens.sign({ key: keys.ec })))).toBe('accepted');
  });

  it('rejects a header alg that does not fit the key', async () => {
    const token = await tokens.sign({ key: keys.ec, header: { kid: keys.rsa.kid } });

    expect(await failureCode(verifierWith().verify(token))).not.toBe('accepted');
  });

  it('ignores keys embedded in the token header', async () => {
    const attacker = await generateTestKey('RS256', 'attacker');
    const token = await tokens.sign({ key: attacker, header: { jwk: attacker.publicJwk, jku: 'https://evil.example/jwks', kid: 'attacker' } });

    expect(await failureCode(verifierWith().verify(token))).toBe('key_not_found');
  });

  it('rejects unknown crit parameters and b64 false', async () => {
    const payload = { iss: ISSUER, aud: AUDIENCE, sub: 'user-123', exp: NOW + 60 };
    const headers = [
      { alg: 'RS256', kid: keys.rsa.kid, crit: ['exp-custom'], 'exp-custom': 1 },
      { alg: 'RS256', kid: keys.rsa.kid, crit: ['b64'], b64: false },
      { alg: 'RS256', kid: keys.rsa.kid, crit: [] },
    ];

    for (const header of headers) {
      const token = await signRaw(header, payload, keys.rsa);
      expect(await failureCode(verifierWith().verify(token))).toBe('token_malformed');
    }
    expect(await failureCode(verifierWith().verify(await signRaw({ alg: 'RS256', kid: keys.rsa.kid }, payload, keys.rsa)))).toBe('accepted');
  });
});

describe('verify with one public key', () => {
  it('accepts tokens for a PEM, JWK, KeyObject and CryptoKey', async () => {
    const pem = await publicKeyPem(keys.rsa);
    const { createPublicKey } = await import('node:crypto');
    const cryptoKey = await crypto.subtle.importKey('jwk', keys.rsa.publicJwk as JsonWebKey, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, true, ['verify']);

    for (const publicKey of [pem, keys.rsa.publicJwk, createPublicKey(pem), cryptoKey]) {
      const verifier = verifierWith({ jwks: undefined, publicKey } as Partial<VerifierOptions>);
      expect(await failureCode(verifier.verify(await tokens.sign()))).toBe('accepted');
    }
  });

  it('rejects tokens signed by another key', async () => {
    const verifier = verifierWith({ jwks: undefined, publicKey: keys.ec.publicJwk } as Partial<VerifierOptions>);

    expect(await failureCode(verifier.verify(await tokens.sign({ key: keys.ec })))).toBe('accepted');
    expect(await failureCode(verifier.verify(await tokens.sign({ key: await generateTestKey('ES256') })))).toBe('signature_invalid');
  });

  it('rejects an HS256 token made from the public key', async () => {
    const verifier = verifierWith({ jwks: undefined, publicKey: await publicKeyPem(keys.rsa) } as Partial<VerifierOptions>);

    expect(await failureCode(verifier.verify(await tokens.preset('hs256')))).toBe('algorithm_not_allowed');
  });
});

describe('verify with a shared secret', () => {
  it('accepts HS256 tokens signed with the secret', async () => {
    const secret = 'a-test-secret-that-is-long-enough-32';
    const { SignJWT } = await import('jose');
    const token = await new SignJWT({ sub: 'user-1' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime(NOW + 60)
      .sign(new TextEncoder().encode(secret));
    const verifier = verifierWith({ jwks: undefined, secret } as Partial<VerifierOptions>);

    expect(await failureCode(verifier.verify(token))).toBe('accepted');
    expect(await failureCode(verifierWith({ jwks: undefined, secret: `${secret}-other` } as Partial<VerifierOptions>).verify(token))).toBe('signature_invalid');
  });
});
