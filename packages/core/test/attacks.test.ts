import { createPrivateKey, createPublicKey, generateKeyPairSync, sign as signWithNode } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { exportJWK } from 'jose';
import {
  createTokenFactory,
  generateTestKey,
  publicKeyPem,
  signRawCompact,
  startIssuer,
  type LocalIssuer,
  type TestKey,
  type TokenFactory,
  unsignedToken,
} from '@latchkey/test-fixtures';
import { createVerifier, type LatchkeyError, type Verifier, type VerifierOptions } from '@latchkey/core';

const AUDIENCE = 'https://api.example.com';
const T = 1_700_000_000;

let k1: TestKey;
let k2: TestKey;
let ke: TestKey;
let attacker: LocalIssuer;
let issuer: LocalIssuer;
let tokens: TokenFactory;

beforeAll(async () => {
  k1 = await generateTestKey('RS256', 'k1');
  k2 = await generateTestKey('RS256', 'k2');
  ke = await generateTestKey('ES256', 'e256');
  issuer = await startIssuer({ keys: [k1] });
  attacker = await startIssuer({ keys: [await generateTestKey('RS256', 'ka')] });
  tokens = createTokenFactory({ issuer: issuer.issuer, audience: AUDIENCE, key: k1, now: () => T });
});

afterAll(async () => {
  await Promise.all([issuer.close(), attacker.close()]);
});

beforeEach(() => {
  issuer.setKeys([k1]);
  issuer.resetCounts();
  attacker.resetCounts();
});

function verifierWith(options: Partial<VerifierOptions> = {}): Verifier {
  return createVerifier({
    issuer: issuer.issuer,
    audience: AUDIENCE,
    jwksUri: issuer.jwksUri,
    algorithms: ['RS256'],
    clock: () => T * 1000,
    ...options,
  } as VerifierOptions);
}

/** Creates a verifier that has already fetched the key set once, as a running server has. */
async function warmVerifier(options: Partial<VerifierOptions> = {}): Promise<Verifier> {
  const verifier = verifierWith(options);
  await verifier.verify(await tokens.sign());
  issuer.resetCounts();
  return verifier;
}

async function outcome(verifier: Verifier, token: string): Promise<string> {
  try {
    await verifier.verify(token);
    return 'accepted';
  } catch (error) {
    const code = (error as LatchkeyError).code;
    if (code === undefined) throw error;
    return code;
  }
}

const payload = () => ({ iss: issuer.issuer, aud: AUDIENCE, sub: 'admin', iat: T - 60, exp: T + 3600, scope: 'read:items' });
const header = (extra: object = {}) => JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: 'k1', ...extra });

async function hmacToken(secret: Uint8Array): Promise<string> {
  const { SignJWT } = await import('jose');
  return new SignJWT(payload()).setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: 'k1' }).sign(secret);
}

describe('algorithm confusion', () => {
  it('rejects every spelling of alg none without fetching', async () => {
    const verifier = await warmVerifier();
    const valid = await tokens.sign();

    for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
      expect(await outcome(verifier, unsignedToken({ alg, typ: 'JWT' }, payload()))).toBe('algorithm_not_allowed');
      expect(await outcome(verifier, unsignedToken({ alg, kid: 'k1' }, payload()))).toBe('algorithm_not_allowed');
      expect(await outcome(verifier, `${unsignedToken({ alg }, payload())}${valid.split('.')[2]}`)).toBe('algorithm_not_allowed');
    }
    expect(issuer.requests.jwks).toBe(0);
  });

  it('rejects HS256 tokens keyed with any form of the public key', async () => {
    const verifier = await warmVerifier();
    const pem = await publicKeyPem(k1);
    const pkcs1 = createPublicKey(pem).export({ type: 'pkcs1', format: 'pem' }) as string;
    const encoder = new TextEncoder();
    const secrets = [pem, pkcs1, `\n${pem}`, `\u200b${pem}`, `#${pem}`, JSON.stringify(k1.publicJwk), JSON.stringify({ keys: [k1.publicJwk] })];

    for (const secret of secrets) expect(await outcome(verifier, await hmacToken(encoder.encode(secret)))).toBe('algorithm_not_allowed');
    expect(issuer.requests.jwks).toBe(0);
  });

  it('lets the allowlist, not the token, pick the algorithm for keys without alg', async () => {
    const { alg: _alg, ...withoutAlg } = k1.publicJwk;
    issuer.setJwks({ keys: [withoutAlg] });
    const verifier = verifierWith();
    const rsaPrivate = createPrivateKey({ key: (await exportJWK(k1.privateKey)) as never, format: 'jwk' });

    const ps256 = await signWithNodeKey(header({ alg: 'PS256' }), rsaPrivate, 'PS256');
    const rs512 = await signWithNodeKey(header({ alg: 'RS512' }), rsaPrivate, 'RS512');

    expect(await outcome(verifier, ps256)).toBe('algorithm_not_allowed');
    expect(await outcome(verifier, rs512)).toBe('algorithm_not_allowed');
    expect(await outcome(verifier, await tokens.sign({ claims: { sub: 'user-123' } }))).toBe('accepted');
    expect(issuer.requests.jwks).toBe(1);
  });

  it('binds the algorithm to the key type and curve', async () => {
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    const p384Jwk = { ...(await exportJWK(p384.publicKey)), kid: 'e384', use: 'sig' };
    issuer.setJwks({ keys: [k1.publicJwk, ke.publicJwk, p384Jwk] });
    const verifier = verifierWith({ algorithms: ['RS256', 'ES256'] });

    const es256WithP384 = await signWithNodeKey(header({ alg: 'ES256', kid: 'e384' }), p384.privateKey, 'ES256');
    const rs256WithEcKid = await signRawCompact(header({ kid: 'e256' }), JSON.stringify(payload()), k1.privateKey, 'RS256');
    const es256WithRsaKid = await signRawCompact(header({ alg: 'ES256', kid: 'k1' }), JSON.stringify(payload()), ke.privateKey, 'ES256');
    const correct = await signRawCompact(header({ alg: 'ES256', kid: 'e256' }), JSON.stringify(payload()), ke.privateKey, 'ES256');

    expect(await outcome(verifier, es256WithP384)).not.toBe('accepted');
    expect(await outcome(verifier, rs256WithEcKid)).not.toBe('accepted');
    expect(await outcome(verifier, es256WithRsaKid)).not.toBe('accepted');
    expect(await outcome(verifier, correct)).toBe('accepted');
  });

  it('refuses HMAC algorithms next to a key set at start-up', () => {
    expect(() => verifierWith({ algorithms: ['RS256', 'HS256'] })).toThrow(/needs a shared secret/);
  });

  it('refuses an empty or short secret at start-up', () => {
    expect(() => createVerifier({ issuer: issuer.issuer, audience: AUDIENCE, secret: '' })).toThrow(/secret/);
    expect(() => createVerifier({ issuer: issuer.issuer, audience: AUDIENCE, secret: new Uint8Array(0) })).toThrow(/secret/);
  });

  it('rejects an empty signature segment', async () => {
    const verifier = await warmVerifier();
    const token = `${(await tokens.sign()).split('.').slice(0, 2).join('.')}.`;

    expect(await outcome(verifier, token)).toBe('signature_invalid');
  });
});

/** Signs with node:crypto, for algorithms and keys that the Web Crypto helper does not cover. */
async function signWithNodeKey(headerJson: string, privateKey: ReturnType<typeof createPrivateKey>, alg: 'RS256' | 'PS256' | 'RS512' | 'ES256'): Promise<string> {
  const input = `${Buffer.from(headerJson).toString('base64url')}.${Buffer.from(JSON.stringify(payload())).toString('base64url')}`;
  const hash = alg === 'RS512' ? 'sha512' : 'sha256';
  const options =
    alg === 'PS256'
      ? { key: privateKey, padding: 6, saltLength: 32 }
      : alg === 'ES256'
        ? { key: privateKey, dsaEncoding: 'ieee-p1363' as const }
        : { key: privateKey };
  return `${input}.${signWithNode(hash, Buffer.from(input), options).toString('base64url')}`;
}

describe('signature and key strength', () => {
  it('rejects forged and wrongly encoded ECDSA signatures', async () => {
    issuer.setJwks({ keys: [ke.publicJwk] });
    const verifier = verifierWith({ algorithms: ['ES256'] });
    const input = `${Buffer.from(header({ alg: 'ES256', kid: 'e256' })).toString('base64url')}.${Buffer.from(JSON.stringify(payload())).toString('base64url')}`;
    const order = Buffer.from('ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551', 'hex');
    const privateKey = createPrivateKey({ key: (await exportJWK(ke.privateKey)) as never, format: 'jwk' });
    const der = signWithNode('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'der' });
    const raw = signWithNode('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });

    const signatures = [Buffer.alloc(64), Buffer.from('MAYCAQACAQA', 'base64url'), Buffer.concat([order, Buffer.alloc(31), Buffer.from([1])]), der];
    for (const signature of signatures) expect(await outcome(verifier, `${input}.${signature.toString('base64url')}`)).toBe('signature_invalid');
    expect(await outcome(verifier, `${input}.${raw.toString('base64url')}`)).toBe('accepted');
  });

  it('skips weak and broken keys but keeps the good one', async () => {
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const weakJwk = { ...(await exportJWK(weak.publicKey)), kid: 'weak', alg: 'RS256', use: 'sig' };
    const ed = await generateTestKey('EdDSA', 'ed');
    issuer.setJwks({ keys: [k1.publicJwk, weakJwk, ed.publicJwk, { kty: 'EC', crv: 'secp256k1', kid: 'k256k', x: 'AA', y: 'AA' }, { kty: 'RSA', kid: 'broken' }] });
    const verifier = verifierWith();

    expect(await outcome(verifier, await tokens.sign())).toBe('accepted');
    expect(await outcome(verifier, await signWithNodeKey(header({ kid: 'weak' }), weak.privateKey, 'RS256'))).toBe('key_not_found');
    expect(await outcome(verifier, await tokens.sign({ key: ed }))).toBe('algorithm_not_allowed');
    expect(issuer.requests.jwks).toBe(1);
  });
});

describe('key selection', () => {
  it('never takes keys from the token header', async () => {
    const verifier = await warmVerifier();
    const evil = await generateTestKey('RS256', 'kA');
    const cases = [
      { jwk: evil.publicJwk, kid: undefined },
      { jwk: evil.publicJwk, kid: 'k1' },
      { kid: 'kA', jku: attacker.jwksUri },
      { kid: undefined, x5u: `${attacker.issuer}/cert.pem` },
      { kid: undefined, x5c: ['MIIBfake'] },
    ];

    for (const extra of cases) {
      expect(await outcome(verifier, await tokens.sign({ key: evil, header: extra }))).not.toBe('accepted');
    }
    expect(attacker.requests.total).toBe(0);
  });

  it('ignores encryption keys and keys not for verification', async () => {
    const enc = await generateTestKey('RS256', 'enc1');
    issuer.setJwks({ keys: [{ ...enc.publicJwk, use: 'enc', alg: 'RSA-OAEP' }, k1.publicJwk, { ...k2.publicJwk, use: undefined, key_ops: ['encrypt'] }] });
    const verifier = verifierWith();

    expect(await outcome(verifier, await tokens.sign({ key: enc }))).toBe('key_not_found');
    expect(await outcome(verifier, await tokens.sign({ key: k2 }))).toBe('key_not_found');
    expect(await outcome(verifier, await tokens.sign({ header: { kid: undefined } }))).toBe('accepted');
    expect(await outcome(verifier, await tokens.sign({ key: enc, header: { kid: undefined } }))).toBe('signature_invalid');
    expect(await outcome(verifier, await tokens.sign({ header: { kid: 'k9' } }))).toBe('key_not_found');
  });

  it('tries every key that shares a kid', async () => {
    issuer.setJwks({ keys: [k1.publicJwk, k1.publicJwk] });
    expect(await outcome(verifierWith(), await tokens.sign())).toBe('accepted');

    issuer.setJwks({ keys: [k1.publicJwk, { ...k2.publicJwk, kid: 'k1' }] });
    const verifier = verifierWith();
    const evil = await generateTestKey('RS256', 'k1');

    expect(await outcome(verifier, await tokens.sign())).toBe('accepted');
    expect(await outcome(verifier, await tokens.sign({ key: k2, header: { kid: 'k1' } }))).toBe('accepted');
    expect(await outcome(verifier, await tokens.sign({ key: evil }))).toBe('signature_invalid');
    expect(issuer.requests.jwks).toBe(2);
  });
});

describe('claim validation', () => {
  it('requires iss and aud when configured', async () => {
    const verifier = await warmVerifier();
    const variants = [{ iss: undefined }, { aud: undefined }, { iss: undefined, aud: undefined }, { iss: '' }, { aud: '' }, { aud: null }, { iss: null }, { aud: undefined, client_id: 'app-1', token_use: 'access' }];

    for (const claims of variants) expect(await outcome(verifier, await tokens.sign({ claims }))).not.toBe('accepted');
    expect(issuer.requests.jwks).toBe(0);
  });

  it.each([
    [{ aud: ['https://other.example.com', AUDIENCE] }, 'accepted'],
    [{ aud: ['https://other.example.com'] }, 'audience_invalid'],
    [{ aud: [] }, 'audience_invalid'],
    [{ aud: [[AUDIENCE]] }, 'audience_invalid'],
    [{ aud: `${AUDIENCE} ` }, 'audience_invalid'],
    [{ aud: AUDIENCE.toUpperCase() }, 'audience_invalid'],
    [{ aud: { 0: AUDIENCE } }, 'audience_invalid'],
    [{ aud: 123 }, 'audience_invalid'],
  ])('matches aud %j exactly', async (claims, expected) => {
    for (const audience of [AUDIENCE, [AUDIENCE, 'https://api2.example.com']]) {
      expect(await outcome(verifierWith({ audience }), await tokens.sign({ claims }))).toBe(expected);
    }
  });

  it('compares an issuer with a path exactly and never rewrites it', async () => {
    const tenant = `${issuer.issuer}/tenants/t1/`;
    const verifier = verifierWith({ issuer: tenant });

    expect(await outcome(verifier, await tokens.sign({ claims: { iss: tenant } }))).toBe('accepted');
    for (const iss of [tenant.slice(0, -1), tenant.replace('127.0.0.1', '127.0.0.1'.toUpperCase()).replace('http', 'HTTP'), `${tenant}/`, `${tenant}?`]) {
      expect(await outcome(verifier, await tokens.sign({ claims: { iss } }))).toBe('issuer_invalid');
    }
  });

  it.each([
    [{ exp: String(T + 3600) }],
    [{ exp: '1600000000' }],
    [{ exp: '2099-01-01T00:00:00Z' }],
    [{ exp: true }],
    [{ exp: null }],
    [{ exp: [T + 3600] }],
    [{ nbf: '0' }],
    [{ nbf: T + 600 }],
    [{ iat: String(T - 60) }],
  ])('rejects time claims %j', async (claims) => {
    expect(await outcome(await warmVerifier(), await tokens.sign({ claims }))).not.toBe('accepted');
  });

  it.each([['["admin"]'], ['[{"exp":1}]'], ['"just a string"'], ['null'], ['42']])('rejects the claims set %s', async (body) => {
    const token = await signRawCompact(header(), body, k1.privateKey, 'RS256');

    expect(await outcome(await warmVerifier(), token)).toBe('token_malformed');
  });

  it('accepts a token without typ outside the access-token profile', async () => {
    expect(await outcome(await warmVerifier(), await tokens.sign({ header: { typ: undefined } }))).toBe('accepted');
  });

  it.each([
    ['at+jwt', 'accepted'],
    ['application/at+jwt', 'accepted'],
    ['AT+JWT', 'accepted'],
    ['Application/At+Jwt', 'accepted'],
    ['JWT', 'token_type_invalid'],
    [undefined, 'token_type_invalid'],
    [1, 'token_type_invalid'],
    ['logout+jwt', 'token_type_invalid'],
  ])('enforces the access-token typ %j', async (typ, expected) => {
    const verifier = verifierWith({ typ: 'at+jwt' });
    const token = await tokens.sign({ header: { typ }, claims: { client_id: 'app-1', jti: 'j-1' } });

    expect(await outcome(verifier, token)).toBe(expected);
  });
});

describe('parsing', () => {
  const claimsJson = () => JSON.stringify(payload());

  it.each([
    ['header with kid twice', () => [header().replace('"kid":"k1"', '"kid":"attacker","kid":"k1"'), claimsJson()]],
    ['header with alg twice', () => [header().replace('"alg":"RS256"', '"alg":"none","alg":"RS256"'), claimsJson()]],
    ['payload with sub twice', () => [header(), claimsJson().replace('"sub":"admin"', '"sub":"user-123","sub":"admin"')]],
    ['payload with exp twice', () => [header(), claimsJson().replace(`"exp":${T + 3600}`, `"exp":1600000000,"exp":${T + 3600}`)]],
    ['escaped duplicate name', () => [header(), claimsJson().replace('"sub":"admin"', '"sub":"admin","\\u0073ub":"x"')]],
  ] as const)('rejects a %s', async (_name, parts) => {
    const [headerJson, payloadJson] = parts() as [string, string];
    const token = await signRawCompact(headerJson, payloadJson, k1.privateKey, 'RS256');

    expect(await outcome(await warmVerifier(), token)).toBe('token_malformed');
  });

  it('accepts equal names in different objects', async () => {
    const token = await tokens.sign({ claims: { a: { sub: 1 }, b: [{ sub: 2 }, { sub: 3 }], sub: 'user-123' } });

    expect(await outcome(await warmVerifier(), token)).toBe('accepted');
  });

  it('rejects an oversized kid before any lookup', async () => {
    const verifier = await warmVerifier();

    expect(await outcome(verifier, await tokens.sign({ header: { kid: 'k'.repeat(10_000) } }))).toBe('token_too_large');
    expect(issuer.requests.jwks).toBe(0);
  });

  it.each(['', '.', '..', '...', 'a.b', 'a.b.c.d', '!!!.@@@.###', `${'A'.repeat(10)}.${'B'.repeat(10)}.`, 'eyJhbGciOiJSUzI1NiJ9.e30.', 'bnVsbA.bnVsbA.AA'])(
    'answers malformed input %j with a 401',
    async (input) => {
      const result = await outcome(await warmVerifier(), input);

      expect(['token_malformed', 'algorithm_not_allowed', 'signature_invalid', 'issuer_invalid']).toContain(result);
    },
  );
});

describe('shared configuration', () => {
  it('keeps the same answers for interleaved algorithms', async () => {
    issuer.setJwks({ keys: [k1.publicJwk, ke.publicJwk] });
    const options = { algorithms: ['RS256', 'ES256'] as const };
    const snapshot = structuredClone(options);
    const verifier = verifierWith({ algorithms: [...options.algorithms] });
    const es = await tokens.sign({ key: ke });
    const rs = await tokens.sign();
    const hs = await hmacToken(new TextEncoder().encode('x'.repeat(32)));

    const sequence = [es, rs, es, hs, rs];
    const results = [];
    for (const token of sequence) results.push(await outcome(verifier, token));
    for (let round = 0; round < 20; round++) for (const token of sequence) await outcome(verifier, token);

    expect(results).toEqual(['accepted', 'accepted', 'accepted', 'algorithm_not_allowed', 'accepted']);
    expect(options).toEqual(snapshot);
    expect(issuer.requests.jwks).toBe(1);
  });
});

