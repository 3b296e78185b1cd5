import { decodeJwt, decodeProtectedHeader } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';

import { base64url, createTokenFactory, generateTestKey, unsignedToken } from '../src/index.js';
import type { TestKey, TokenFactory } from '../src/index.js';

const issuer = 'http://127.0.0.1:9/';
const audience = 'https://api.test';
const fixedNow = 1_700_000_000;

let key: TestKey;
let factory: TokenFactory;

beforeAll(async () => {
  key = await generateTestKey('ES256');
  factory = createTokenFactory({ issuer, audience, key, now: () => fixedNow });
});

function decodeSegment(segment: string | undefined): unknown {
  return JSON.parse(Buffer.from(segment ?? '', 'base64url').toString('utf8'));
}

describe('factory sign defaults', () => {
  it('sets issuer and audience', async () => {
    const payload = decodeJwt(await factory.sign());

    expect(payload.iss).toBe(issuer);
    expect(payload.aud).toBe(audience);
  });

  it('sets subject and scope', async () => {
    const payload = decodeJwt(await factory.sign());

    expect(payload.sub).toBe('user-123');
    expect(payload['scope']).toBe('read:items');
  });

  it('sets iat and exp from now', async () => {
    const payload = decodeJwt(await factory.sign());

    expect(payload.iat).toBe(fixedNow - 60);
    expect(payload.exp).toBe(fixedNow + 3600);
  });

  it('sets a unique jti', async () => {
    const first = decodeJwt(await factory.sign());
    const second = decodeJwt(await factory.sign());

    expect(first.jti).toEqual(expect.any(String));
    expect(first.jti).not.toBe(second.jti);
  });

  it('sets alg, typ and kid', async () => {
    const header = decodeProtectedHeader(await factory.sign());

    expect(header).toEqual({ alg: 'ES256', typ: 'JWT', kid: key.kid });
  });
});

describe('factory sign options', () => {
  it('applies expiresIn seconds', async () => {
    const payload = decodeJwt(await factory.sign({ expiresIn: 30 }));

    expect(payload.exp).toBe(fixedNow + 30);
  });

  it('overrides and adds claims', async () => {
    const payload = decodeJwt(await factory.sign({ claims: { sub: 'user-9', tenant: 'acme' } }));

    expect(payload.sub).toBe('user-9');
    expect(payload['tenant']).toBe('acme');
  });

  it('removes undefined claims', async () => {
    const payload = decodeJwt(await factory.sign({ claims: { scope: undefined, jti: undefined } }));

    expect(payload).not.toHaveProperty('scope');
    expect(payload).not.toHaveProperty('jti');
  });

  it('overrides header typ', async () => {
    const header = decodeProtectedHeader(await factory.sign({ header: { typ: 'at+jwt' } }));

    expect(header.typ).toBe('at+jwt');
  });

  it('removes undefined header parameters', async () => {
    const header = decodeProtectedHeader(await factory.sign({ header: { kid: undefined, typ: undefined } }));

    expect(header).toEqual({ alg: 'ES256' });
  });

  it('uses the per-token key', async () => {
    const other = await generateTestKey('EdDSA', 'other-key');

    const header = decodeProtectedHeader(await factory.sign({ key: other }));

    expect(header.alg).toBe('EdDSA');
    expect(header.kid).toBe('other-key');
  });

  it('rejects header alg unsuited to key', async () => {
    await expect(factory.sign({ header: { alg: 'RS256' } })).rejects.toThrow(TypeError);
  });
});

describe('factory clock', () => {
  it('reads now at each sign', async () => {
    let now = fixedNow;
    const moving = createTokenFactory({ issuer, audience, key, now: () => now });

    const first = decodeJwt(await moving.sign());
    now += 100;
    const second = decodeJwt(await moving.sign());

    expect(second.exp).toBe((first.exp ?? 0) + 100);
  });

  it('defaults to system time', async () => {
    const systemFactory = createTokenFactory({ issuer, audience, key });
    const before = Math.floor(Date.now() / 1000);

    const payload = decodeJwt(await systemFactory.sign());

    expect(payload.iat).toBeGreaterThanOrEqual(before - 60);
    expect(payload.iat).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) - 60);
  });

  it('exposes issuer, audience and key', () => {
    expect(factory.issuer).toBe(issuer);
    expect(factory.audience).toBe(audience);
    expect(factory.key).toBe(key);
  });
});

describe('base64url', () => {
  it('encodes JSON without padding', () => {
    expect(base64url({ a: '?>' })).toBe(Buffer.from('{"a":"?>"}').toString('base64url'));
  });

  it('uses URL-safe alphabet', () => {
    expect(base64url({ a: '?>' })).not.toMatch(/[+/=]/);
  });

  it('rejects values without JSON form', () => {
    expect(() => base64url(undefined)).toThrow(/Cannot encode undefined as JSON/);
  });
});

describe('unsignedToken', () => {
  it('ends with empty signature', () => {
    const token = unsignedToken({ alg: 'none' }, { sub: 'x' });

    expect(token.endsWith('.')).toBe(true);
    expect(token.split('.')).toHaveLength(3);
  });

  it('encodes header and payload', () => {
    const [header, payload] = unsignedToken({ alg: 'none' }, { sub: 'x' }).split('.');

    expect(decodeSegment(header)).toEqual({ alg: 'none' });
    expect(decodeSegment(payload)).toEqual({ sub: 'x' });
  });
});
