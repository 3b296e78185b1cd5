import { createPublicKey } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { generateTestKey, generateTestKeys, publicKeyPem, toJwks } from '../src/index.js';
import type { TestAlgorithm } from '../src/index.js';

const expectedParameters: Record<TestAlgorithm, { kty: string; crv?: string; kidPrefix: string }> = {
  RS256: { kty: 'RSA', kidPrefix: 'rsa-' },
  ES256: { kty: 'EC', crv: 'P-256', kidPrefix: 'ec-' },
  EdDSA: { kty: 'OKP', crv: 'Ed25519', kidPrefix: 'ed-' },
};

describe.each(Object.entries(expectedParameters))('generateTestKey %s', (alg, expected) => {
  it('publishes key type and curve', async () => {
    const key = await generateTestKey(alg as TestAlgorithm);

    expect(key.publicJwk.kty).toBe(expected.kty);
    expect(key.publicJwk.crv).toBe(expected.crv);
  });

  it('publishes kid, alg and use', async () => {
    const key = await generateTestKey(alg as TestAlgorithm);

    expect(key.publicJwk.kid).toBe(key.kid);
    expect(key.publicJwk.alg).toBe(alg);
    expect(key.publicJwk.use).toBe('sig');
  });

  it('omits private key parameters', async () => {
    const key = await generateTestKey(alg as TestAlgorithm);

    expect(key.publicJwk).not.toHaveProperty('d');
    expect(key.publicJwk).not.toHaveProperty('p');
  });

  it('generates readable unique kid', async () => {
    const [first, second] = await Promise.all([generateTestKey(alg as TestAlgorithm), generateTestKey(alg as TestAlgorithm)]);

    expect(first.kid).toMatch(new RegExp(`^${expected.kidPrefix}[0-9a-f]{8}$`));
    expect(first.kid).not.toBe(second.kid);
  });

  it('creates extractable private key', async () => {
    const key = await generateTestKey(alg as TestAlgorithm);

    expect(key.privateKey.type).toBe('private');
    expect(key.privateKey.extractable).toBe(true);
  });
});

describe('generateTestKey options', () => {
  it('uses the given kid', async () => {
    const key = await generateTestKey('ES256', 'my-key');

    expect(key.kid).toBe('my-key');
    expect(key.publicJwk.kid).toBe('my-key');
  });

  it('creates 2048-bit RSA modulus', async () => {
    const key = await generateTestKey('RS256');
    const modulus = Buffer.from(key.publicJwk.n ?? '', 'base64url');

    expect(modulus.length * 8).toBe(2048);
  });
});

describe('generateTestKeys', () => {
  it('returns one key per algorithm', async () => {
    const keys = await generateTestKeys();

    expect(keys.rsa.alg).toBe('RS256');
    expect(keys.ec.alg).toBe('ES256');
    expect(keys.ed.alg).toBe('EdDSA');
  });
});

describe('toJwks', () => {
  it('lists public keys in order', async () => {
    const { rsa, ec } = await generateTestKeys();

    const jwks = toJwks([ec, rsa]);

    expect(jwks.keys.map((jwk) => jwk.kid)).toEqual([ec.kid, rsa.kid]);
  });

  it('copies the JWK objects', async () => {
    const key = await generateTestKey('ES256');

    const jwks = toJwks([key]);
    jwks.keys[0]!.kid = 'changed';

    expect(key.publicJwk.kid).not.toBe('changed');
  });
});

describe('publicKeyPem', () => {
  it('exports SPKI PEM of RSA key', async () => {
    const key = await generateTestKey('RS256');

    const pem = await publicKeyPem(key);

    expect(pem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(createPublicKey(pem).export({ format: 'jwk' }).n).toBe(key.publicJwk.n);
  });
});
