import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTokenFactory, generateTestKey, generateTestKeys, signRawCompact, startIssuer, type LocalIssuer, type TestKey, type TokenFactory, toJwks } from '@latchkey/test-fixtures';
import { createMemoryRevocationStore, createVerifier, type LatchkeyError, type Verifier, type VerifierOptions } from '@latchkey/core';
import { mutatedTokens } from './support/token-mutations.js';

const ISSUER = 'https://auth.example.com/';
const AUDIENCE = 'https://api.example.com';
const T = 1_700_000_000;

async function outcome(verifier: Verifier, token: string): Promise<string> {
  return verifier.verify(token).then(
    (auth) => `accepted:${JSON.stringify(auth.claims)}`,
    (error: unknown) => (error as LatchkeyError).code ?? `escaped:${String(error)}`,
  );
}

describe('node:crypto and jose paths', () => {
  let keys: { rsa: TestKey; ec: TestKey; ed: TestKey };

  beforeAll(async () => {
    keys = await generateTestKeys();
  });

  function pair(options: Partial<VerifierOptions>): [Verifier, Verifier] {
    const base = { issuer: ISSUER, audience: AUDIENCE, clock: () => T * 1000, tokenCache: false as const, ...options } as VerifierOptions;
    return [createVerifier({ ...base, engine: 'auto' }), createVerifier({ ...base, engine: 'jose' })];
  }

  for (const name of ['rsa', 'ec', 'ed'] as const) {
    it(`give the same answer on mutated ${name} tokens`, { timeout: 600_000 }, async () => {
      const key = keys[name];
      const [fast, jose] = pair({ jwks: toJwks([keys.rsa, keys.ec, keys.ed]), algorithms: ['RS256', 'ES256', 'EdDSA'], maxTokenAge: 3600, typ: name === 'ed' ? 'JWT' : undefined } as Partial<VerifierOptions>);
      const context = {
        key,
        header: { alg: key.alg, typ: 'JWT', kid: key.kid },
        claims: { iss: ISSUER, aud: AUDIENCE, sub: 'user-123', iat: T - 60, exp: T + 3600, scope: 'read:items' },
      };
      let accepted = 0;

      await fc.assert(
        fc.asyncProperty(mutatedTokens(context), async (pending) => {
          const { token } = await pending;
          const answer = await outcome(fast, token);
          if (answer.startsWith('accepted')) accepted++;
          expect(answer).toBe(await outcome(jose, token));
        }),
        { numRuns: Number(process.env['LATCHKEY_PROPERTY_RUNS'] ?? 300) },
      );
      expect(accepted).toBeGreaterThan(0);
    });
  }

  it('give the same answer for public keys and secrets', async () => {
    const secret = 'a-shared-secret-that-is-long-enough-for-hs256';
    const { SignJWT } = await import('jose');
    const hs = await new SignJWT({ sub: 'user-1' }).setProtectedHeader({ alg: 'HS256' }).setIssuer(ISSUER).setAudience(AUDIENCE).setExpirationTime(T + 60).sign(new TextEncoder().encode(secret));
    const rsaTokens = createTokenFactory({ issuer: ISSUER, audience: AUDIENCE, key: keys.rsa, now: () => T });

    const cases: Array<[Partial<VerifierOptions>, string[]]> = [
      [{ secret }, [hs, `${hs.slice(0, -2)}AA`, await rsaTokens.sign()]],
      [{ publicKey: keys.rsa.publicJwk }, [await rsaTokens.sign(), await rsaTokens.preset('tampered'), await rsaTokens.preset('hs256'), await rsaTokens.sign({ key: keys.ec })]],
      [{ publicKey: keys.ec.publicJwk }, [await rsaTokens.sign({ key: keys.ec }), await rsaTokens.sign()]],
    ];
    for (const [options, tokens] of cases) {
      const [fast, jose] = pair(options);
      for (const token of tokens) expect(await outcome(fast, token)).toBe(await outcome(jose, token));
    }
  });

  it('reject a DER-encoded ECDSA signature on both paths', async () => {
    const [fast, jose] = pair({ jwks: toJwks([keys.ec]), algorithms: ['ES256'] });
    const input = `${Buffer.from(JSON.stringify({ alg: 'ES256', kid: keys.ec.kid })).toString('base64url')}.${Buffer.from(JSON.stringify({ iss: ISSUER, aud: AUDIENCE, exp: T + 60 })).toString('base64url')}`;
    const token = `${input}.${Buffer.from('MAYCAQACAQA', 'base64url').toString('base64url')}`;

    expect(await outcome(fast, token)).toBe('signature_invalid');
    expect(await outcome(jose, token)).toBe('signature_invalid');
  });

  it('agree on tokens signed over exact bytes', async () => {
    const [fast, jose] = pair({ jwks: toJwks([keys.rsa]), algorithms: ['RS256'] });
    const claims = JSON.stringify({ iss: ISSUER, aud: AUDIENCE, exp: T + 60 });
    const headers = [{ alg: 'RS256', kid: keys.rsa.kid }, { alg: 'RS256', kid: keys.rsa.kid, crit: ['b64'], b64: true }, { alg: 'RS256', kid: keys.rsa.kid, typ: 7 }];

    for (const header of headers) {
      const token = await signRawCompact(JSON.stringify(header), claims, keys.rsa.privateKey, 'RS256');
      expect(await outcome(fast, token)).toBe(await outcome(jose, token));
    }
  });
});

describe('verified-token cache', () => {
  let key: TestKey;
  let issuer: LocalIssuer;
  let tokens: TokenFactory;
  let now: number;

  beforeAll(async () => {
    key = await generateTestKey('RS256', 'k1');
    issuer = await startIssuer({ keys: [key] });
    tokens = createTokenFactory({ issuer: ISSUER, audience: AUDIENCE, key, now: () => T });
  });

  afterAll(async () => {
    await issuer.close();
  });

  beforeEach(() => {
    now = T * 1000;
    issuer.setKeys([key]);
    issuer.resetCounts();
  });

  function cachedVerifier(options: Partial<VerifierOptions> = {}): Verifier {
    return createVerifier({ issuer: ISSUER, audience: AUDIENCE, jwksUri: issuer.jwksUri, clock: () => now, ...options } as VerifierOptions);
  }

  it('checks exp again on every hit, with or without iat', async () => {
    const verifier = cachedVerifier({ clockTolerance: 0 });
    const withoutIat = await tokens.sign({ claims: { iat: undefined, exp: T + 2 } });
    const withIat = await tokens.sign({ claims: { exp: T + 2 } });

    expect(await outcome(verifier, withoutIat)).toMatch(/^accepted/);
    expect(await outcome(verifier, withIat)).toMatch(/^accepted/);
    now += 3000;
    expect(await outcome(verifier, withoutIat)).toBe('token_expired');
    expect(await outcome(verifier, withIat)).toBe('token_expired');
  });

  it('does not cache a rejection before nbf', async () => {
    const verifier = cachedVerifier({ clockTolerance: 0 });
    const early = await tokens.sign({ claims: { nbf: T + 10 } });

    expect(await outcome(verifier, early)).toBe('token_not_yet_valid');
    now += 11_000;
    expect(await outcome(verifier, early)).toMatch(/^accepted/);
  });

  it('never mixes up two tokens', async () => {
    const verifier = cachedVerifier();
    const first = await tokens.sign({ claims: { sub: 'user-1' } });
    const second = await tokens.sign({ claims: { sub: 'user-2' } });
    const signature = first.split('.')[2] ?? '';
    const tampered = `${first.slice(0, first.length - signature.length)}${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;

    expect((await verifier.verify(first)).claims.sub).toBe('user-1');
    expect((await verifier.verify(second)).claims.sub).toBe('user-2');
    expect(await outcome(verifier, tampered)).toBe('signature_invalid');
    expect(issuer.requests.jwks).toBe(1);
  });

  it('still asks the revocation store on a hit', async () => {
    const store = createMemoryRevocationStore({ clock: () => now });
    const verifier = cachedVerifier({ revocation: { store } });
    const token = await tokens.sign({ claims: { jti: 'cached-1', iat: undefined } });

    expect(await outcome(verifier, token)).toMatch(/^accepted/);
    await store.revokeToken({ issuer: ISSUER, tokenId: 'cached-1', expiresAt: T + 3600 });
    expect(await outcome(verifier, token)).toBe('token_revoked');
  });

  it('drops a hit once its key leaves the key set', async () => {
    const verifier = cachedVerifier();
    const token = await tokens.sign();
    expect(await outcome(verifier, token)).toMatch(/^accepted/);

    issuer.setKeys([await generateTestKey('RS256', 'k2')]);
    now += 601_000;
    expect(await outcome(verifier, token)).toBe('key_not_found');
  });

  it('stays within its entry bound', async () => {
    const verifier = cachedVerifier({ tokenCache: { maxEntries: 2 } });
    const all = await Promise.all([1, 2, 3].map((index) => tokens.sign({ claims: { sub: `user-${index}` } })));

    for (const token of all) expect(await outcome(verifier, token)).toMatch(/^accepted/);
    expect(await outcome(verifier, all[0] ?? '')).toMatch(/^accepted/);
  });

  it('remembers a bad signature only for the key set it failed against', async () => {
    const verifier = cachedVerifier();
    const replacement = await generateTestKey('RS256', 'k1');
    const token = await tokens.sign({ key: replacement });

    expect(await outcome(verifier, await tokens.sign())).toMatch(/^accepted/);
    expect(await outcome(verifier, token)).toBe('signature_invalid');
    expect(await outcome(verifier, token)).toBe('signature_invalid');

    issuer.setKeys([replacement]);
    now += 601_000;
    expect(await outcome(verifier, token)).toMatch(/^accepted/);
  });

  it('turns off with false', () => {
    expect(cachedVerifier({ tokenCache: false }).config.tokenCacheEntries).toBe(0);
    expect(() => cachedVerifier({ tokenCache: { maxEntries: 0 } })).toThrow(/tokenCache\.maxEntries/);
  });
});
