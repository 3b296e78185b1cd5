import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, errors, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createTokenFactory, generateTestKeys, publicKeyPem, startIssuer, tokenPresets } from '../src/index.js';
import type { LocalIssuer, TestKey, TokenFactory } from '../src/index.js';

const audience = 'https://api.test';

let localIssuer: LocalIssuer;
let keys: { rsa: TestKey; ec: TestKey; ed: TestKey };

beforeAll(async () => {
  keys = await generateTestKeys();
  localIssuer = await startIssuer({ keys: [keys.rsa, keys.ec, keys.ed] });
});

afterAll(async () => {
  await localIssuer.close();
});

function verify(token: string) {
  const jwks = createRemoteJWKSet(new URL(localIssuer.jwksUri));

  return jwtVerify(token, jwks, { issuer: localIssuer.issuer, audience });
}

function factoryFor(key: TestKey): TokenFactory {
  return createTokenFactory({ issuer: localIssuer.issuer, audience, key });
}

describe.each(['rsa', 'ec', 'ed'] as const)('%s key presets', (keyName) => {
  let factory: TokenFactory;

  beforeAll(() => {
    factory = factoryFor(keys[keyName]);
  });

  it('valid verifies against JWKS', async () => {
    const { payload } = await verify(await factory.preset('valid'));

    expect(payload.sub).toBe('user-123');
  });

  it('sign verifies against JWKS', async () => {
    const { protectedHeader } = await verify(await factory.sign());

    expect(protectedHeader.kid).toBe(keys[keyName].kid);
  });

  it('expired fails with JWTExpired', async () => {
    await expect(verify(await factory.preset('expired'))).rejects.toBeInstanceOf(errors.JWTExpired);
  });

  it('expired has iat before exp', async () => {
    const payload = decodeJwt(await factory.preset('expired'));

    expect(payload.iat).toBeLessThan(payload.exp ?? 0);
  });

  it('notYetValid fails on nbf', async () => {
    await expect(verify(await factory.preset('notYetValid'))).rejects.toMatchObject({
      code: 'ERR_JWT_CLAIM_VALIDATION_FAILED',
      claim: 'nbf',
    });
  });

  it('wrongAudience fails on aud', async () => {
    await expect(verify(await factory.preset('wrongAudience'))).rejects.toMatchObject({ claim: 'aud' });
  });

  it('wrongIssuer fails on iss', async () => {
    await expect(verify(await factory.preset('wrongIssuer'))).rejects.toMatchObject({ claim: 'iss' });
  });

  it('unknownKid finds no key', async () => {
    await expect(verify(await factory.preset('unknownKid'))).rejects.toBeInstanceOf(errors.JWKSNoMatchingKey);
  });

  it('unknownKid reuses one key', async () => {
    const first = decodeProtectedHeader(await factory.preset('unknownKid'));
    const second = decodeProtectedHeader(await factory.preset('unknownKid'));

    expect(first.kid).toBe(second.kid);
    expect(localIssuer.publishedKids()).not.toContain(first.kid);
  });

  it('algNone is rejected', async () => {
    await expect(verify(await factory.preset('algNone'))).rejects.toBeInstanceOf(errors.JOSENotSupported);
  });

  it('tampered fails the signature', async () => {
    await expect(verify(await factory.preset('tampered'))).rejects.toBeInstanceOf(
      errors.JWSSignatureVerificationFailed,
    );
  });

  it('tampered claims admin subject', async () => {
    expect(decodeJwt(await factory.preset('tampered')).sub).toBe('admin');
  });

  it('withWriteScope verifies with scope', async () => {
    const { payload } = await verify(await factory.preset('withWriteScope'));

    expect(payload['scope']).toBe('read:items write:items');
  });

  it('missingExp verifies without exp', async () => {
    const { payload } = await verify(await factory.preset('missingExp'));

    expect(payload).not.toHaveProperty('exp');
  });

  it('missingExp fails when exp required', async () => {
    const jwks = createRemoteJWKSet(new URL(localIssuer.jwksUri));
    const token = await factory.preset('missingExp');

    await expect(jwtVerify(token, jwks, { requiredClaims: ['exp'] })).rejects.toMatchObject({ claim: 'exp' });
  });

  it('hs256 is rejected by JWKS', async () => {
    await expect(verify(await factory.preset('hs256'))).rejects.toBeInstanceOf(errors.JOSENotSupported);
  });

  it('hs256 keeps the published kid', async () => {
    const header = decodeProtectedHeader(await factory.preset('hs256'));

    expect(header).toEqual({ alg: 'HS256', typ: 'JWT', kid: keys[keyName].kid });
  });
});

describe('algNone preset', () => {
  it('has none header and no signature', async () => {
    const token = await factoryFor(keys.ec).preset('algNone');
    const [header, , signature] = token.split('.');

    expect(JSON.parse(Buffer.from(header ?? '', 'base64url').toString())).toEqual({ alg: 'none', typ: 'JWT' });
    expect(signature).toBe('');
  });
});

describe('hs256 preset', () => {
  it('verifies with RSA PEM secret', async () => {
    const token = await factoryFor(keys.rsa).preset('hs256');
    const secret = new TextEncoder().encode(await publicKeyPem(keys.rsa));

    const { payload } = await jwtVerify(token, secret, { algorithms: ['HS256'] });

    expect(payload.sub).toBe('user-123');
  });

  it('uses random secret for EC', async () => {
    const token = await factoryFor(keys.ec).preset('hs256');
    const secret = new TextEncoder().encode(await publicKeyPem(keys.ec));

    await expect(jwtVerify(token, secret, { algorithms: ['HS256'] })).rejects.toBeInstanceOf(
      errors.JWSSignatureVerificationFailed,
    );
  });
});

describe('tokenPresets', () => {
  it('lists every preset once', () => {
    expect(new Set(tokenPresets).size).toBe(tokenPresets.length);
  });

  it('builds every listed preset', async () => {
    const factory = factoryFor(keys.ec);

    const tokens = await Promise.all(tokenPresets.map((name) => factory.preset(name)));

    expect(tokens.every((token) => token.split('.').length === 3)).toBe(true);
  });

  it('rejects an unknown name', async () => {
    const factory = factoryFor(keys.ec);

    await expect(factory.preset('forged' as never)).rejects.toThrow(/Unknown token preset "forged"/);
  });
});

describe('preset clock', () => {
  it('bases expired on injected now', async () => {
    const now = 1_700_000_000;
    const factory = createTokenFactory({ issuer: localIssuer.issuer, audience, key: keys.ec, now: () => now });

    const payload = decodeJwt(await factory.preset('expired'));

    expect(payload.exp).toBe(now - 3600);
  });
});
