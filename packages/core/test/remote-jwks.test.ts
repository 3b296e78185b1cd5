import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTokenFactory, generateTestKey, generateTestKeys, startIssuer, type LocalIssuer, type TestKey, type TokenFactory } from '@latchkey/test-fixtures';
import { createVerifier, type KeySourceEvent, type LatchkeyError, type Verifier, type VerifierOptions } from '@latchkey/core';

const AUDIENCE = 'https://api.example.com';
const T = 1_700_000_000_000;

let keys: { rsa: TestKey; ec: TestKey; ed: TestKey };
let issuer: LocalIssuer;
let tokens: TokenFactory;
let now: number;
let events: KeySourceEvent[];

beforeAll(async () => {
  keys = await generateTestKeys();
  issuer = await startIssuer({ keys: [keys.rsa] });
  tokens = createTokenFactory({ issuer: issuer.issuer, audience: AUDIENCE, key: keys.rsa, now: () => Math.floor(now / 1000) });
});

afterAll(async () => {
  await issuer.close();
});

beforeEach(() => {
  now = T;
  events = [];
  issuer.setKeys([keys.rsa]);
  issuer.setHeaders({});
  issuer.resetCounts();
});

afterEach(async () => {
  await issuer.clearFault();
});

function remoteVerifier(options: Partial<VerifierOptions> = {}): Verifier {
  return createVerifier({
    issuer: issuer.issuer,
    audience: AUDIENCE,
    jwksUri: issuer.jwksUri,
    clock: () => now,
    onEvent: (event: KeySourceEvent) => {
      events.push(event);
    },
    jwksCache: { timeout: 0.5 },
    ...options,
  } as VerifierOptions & { onEvent: (event: KeySourceEvent) => void });
}

async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'accepted';
  } catch (error) {
    return (error as LatchkeyError).code ?? String(error);
  }
}

describe('remote JWKS fetching', () => {
  it('fetches once for 50 concurrent cold requests', async () => {
    const verifier = remoteVerifier();
    const token = await tokens.sign();

    const results = await Promise.all(Array.from({ length: 50 }, () => outcome(verifier.verify(token))));

    expect(results.every((result) => result === 'accepted')).toBe(true);
    expect(issuer.requests.jwks).toBe(1);
  });

  it('serves from the cache and refreshes ahead of expiry', async () => {
    const verifier = remoteVerifier();
    const token = await tokens.sign({ expiresIn: 86_400 });
    await verifier.verify(token);

    now += 479_000;
    await verifier.verify(token);
    expect(issuer.requests.jwks).toBe(1);

    now += 2_000;
    await verifier.verify(token);
    await vi.waitFor(() => expect(events.filter((event) => event.type === 'jwks_fetch')).toHaveLength(2));
    expect(events.at(-1)).toMatchObject({ type: 'jwks_fetch', trigger: 'refresh_ahead' });

    now += 120_000;
    await verifier.verify(token);
    expect(issuer.requests.jwks).toBe(2);
  });

  it('fetches again once the key set expires', async () => {
    const verifier = remoteVerifier({ jwksCache: { cooldown: 600, timeout: 0.5 } });
    const token = await tokens.sign({ expiresIn: 86_400 });
    await verifier.verify(token);

    now += 601_000;
    await verifier.verify(token);

    expect(issuer.requests.jwks).toBe(2);
    expect(events.at(-1)).toMatchObject({ type: 'jwks_fetch', trigger: 'expired' });
  });

  it('refetches for an unknown kid at most once per cooldown', async () => {
    const verifier = remoteVerifier();
    await verifier.verify(await tokens.sign());
    const unknown = await tokens.preset('unknownKid');

    now += 30_000;
    const burst = await Promise.all(Array.from({ length: 20 }, () => outcome(verifier.verify(unknown))));
    expect(burst.every((result) => result === 'key_not_found')).toBe(true);
    expect(issuer.requests.jwks).toBe(2);

    now += 10_000;
    expect(await outcome(verifier.verify(unknown))).toBe('key_not_found');
    expect(issuer.requests.jwks).toBe(2);
    expect(events.some((event) => event.type === 'jwks_cooldown')).toBe(true);

    now += 20_000;
    expect(await outcome(verifier.verify(unknown))).toBe('key_not_found');
    expect(issuer.requests.jwks).toBe(3);
  });

  it('keeps serving the good key during an unknown-kid flood', async () => {
    const verifier = remoteVerifier();
    const good = await tokens.sign();
    await verifier.verify(good);

    for (let index = 0; index < 100; index++) {
      const forged = await tokens.sign({ header: { kid: `flood-${index}` } });
      expect(await outcome(verifier.verify(forged))).toBe('key_not_found');
      expect(await outcome(verifier.verify(good))).toBe('accepted');
    }
    expect(issuer.requests.jwks).toBe(1);
  });

  it('picks up a rotated key and drops a removed one', async () => {
    const verifier = remoteVerifier();
    const oldToken = await tokens.sign();
    await verifier.verify(oldToken);

    const next = await generateTestKey('RS256', 'rotated');
    issuer.rotate(next);
    now += 31_000;
    expect(await outcome(verifier.verify(await tokens.sign({ key: next })))).toBe('accepted');
    expect(issuer.requests.jwks).toBe(2);

    expect(await outcome(verifier.verify(oldToken))).toBe('key_not_found');
  });

  it('accepts keys without alg and use', async () => {
    const verifier = remoteVerifier({ algorithms: ['RS256'] });
    const second = await generateTestKey('RS256', 'k2');
    const strip = ({ alg: _alg, use: _use, ...rest }: Record<string, unknown>) => rest;
    issuer.setJwks({ keys: [{ ...keys.rsa.publicJwk, alg: undefined }, strip(second.publicJwk)] });

    expect(await outcome(verifier.verify(await tokens.sign()))).toBe('accepted');
    expect(await outcome(verifier.verify(await tokens.sign({ key: second })))).toBe('accepted');
    expect(issuer.requests.jwks).toBe(1);
  });

  it('skips unusable keys with a reason and keeps the good one', async () => {
    const verifier = remoteVerifier({ algorithms: ['RS256'] });
    issuer.setJwks({
      keys: [
        { ...keys.rsa.publicJwk, kid: 'enc', use: 'enc' },
        { kty: 'RSA', kid: 'weak', n: 'AQAB'.repeat(10), e: 'AQAB' },
        { kty: 'oct', kid: 'secret', k: 'c2VjcmV0' },
        { ...keys.ec.publicJwk },
        { kty: 'EC', crv: 'secp256k1', kid: 'koblitz', x: 'AA', y: 'AA' },
        'not a key',
        keys.rsa.publicJwk,
      ],
    });

    expect(await outcome(verifier.verify(await tokens.sign()))).toBe('accepted');
    const reasons = events.filter((event) => event.type === 'jwks_key_skipped').map((event) => event.type === 'jwks_key_skipped' && `${event.kid}:${event.reason}`);
    expect(reasons).toEqual([
      'enc:encryption_key',
      'weak:weak_rsa_key',
      'secret:symmetric_key',
      `${keys.ec.kid}:algorithm_not_allowed`,
      'koblitz:unsupported_key_type',
      'undefined:not_an_object',
    ]);
  });

  it('never uses an encryption key for an enc-only kid', async () => {
    const verifier = remoteVerifier();
    issuer.setJwks({ keys: [{ ...keys.rsa.publicJwk, use: 'enc' }, { ...keys.ec.publicJwk }] });

    expect(await outcome(verifier.verify(await tokens.sign()))).toBe('key_not_found');
  });

  it('publishes no key material or tokens in events', async () => {
    const verifier = remoteVerifier();
    const token = await tokens.sign();
    await verifier.verify(token);

    const text = JSON.stringify(events);
    expect(events.map((event) => event.type)).toEqual(['jwks_fetch']);
    expect(text).not.toContain(String(keys.rsa.publicJwk.n));
    expect(text).not.toContain(token.split('.')[1]);
  });
});

describe('remote JWKS outages', () => {
  it.each([
    ['refused connection', { kind: 'refuse' }, 'network'],
    ['HTTP 503', { kind: 'status', status: 503 }, 'status'],
    ['HTML with 200', { kind: 'html' }, 'not_json'],
    ['invalid JSON', { kind: 'notJson' }, 'not_json'],
    ['empty keys', { kind: 'emptyKeys' }, 'no_usable_keys'],
    ['redirect', { kind: 'redirect', location: 'http://127.0.0.1:9/jwks' }, 'status'],
    ['hanging endpoint', { kind: 'hang' }, 'timeout'],
    ['oversized body', { kind: 'oversized', bytes: 600 * 1024 }, 'too_large'],
  ] as const)('answers 503 with no cached keys: %s', async (_name, fault, reason) => {
    await issuer.fault(fault);
    const verifier = remoteVerifier();

    const error = (await verifier.verify(await tokens.sign()).catch((failure: unknown) => failure)) as LatchkeyError & { retryAfter: number };

    expect(error.code).toBe('key_source_unavailable');
    expect(error.status).toBe(503);
    expect(error.retryAfter).toBeGreaterThanOrEqual(1);
    expect(events).toContainEqual(expect.objectContaining({ type: 'jwks_fetch_failed', reason }));
  });

  it('does not follow redirects', async () => {
    const target = await startIssuer({ keys: [keys.rsa] });
    await issuer.fault({ kind: 'redirect', location: target.jwksUri });
    const verifier = remoteVerifier();

    expect(await outcome(verifier.verify(await tokens.sign()))).toBe('key_source_unavailable');
    expect(target.requests.total).toBe(0);
    await target.close();
  });

  it('retries a failed cold fetch only after the cooldown', async () => {
    await issuer.fault({ kind: 'status', status: 500 });
    const verifier = remoteVerifier();
    const token = await tokens.sign();

    for (let index = 0; index < 10; index++) expect(await outcome(verifier.verify(token))).toBe('key_source_unavailable');
    expect(issuer.requests.jwks).toBe(1);

    await issuer.clearFault();
    now += 30_000;
    expect(await outcome(verifier.verify(token))).toBe('accepted');
    expect(issuer.requests.jwks).toBe(2);
  });

  it('keeps serving the last good set when refreshes fail', async () => {
    const verifier = remoteVerifier();
    const token = await tokens.sign({ expiresIn: 86_400 });
    await verifier.verify(token);

    await issuer.fault({ kind: 'html' });
    now += 601_000;
    for (let second = 0; second < 60; second++) {
      expect(await outcome(verifier.verify(token))).toBe('accepted');
      now += 1_000;
    }
    expect(issuer.requests.jwks).toBeLessThanOrEqual(1 + 3);
    expect(events.some((event) => event.type === 'jwks_stale_used')).toBe(true);

    await issuer.clearFault();
    now += 30_000;
    events.length = 0;
    expect(await outcome(verifier.verify(token))).toBe('accepted');
    expect(events.map((event) => event.type)).toContain('jwks_fetch');
  });

  it('stops serving stale keys after the stale window', async () => {
    const verifier = remoteVerifier({ jwksCache: { staleWindow: 3600, timeout: 0.5 } });
    const token = await tokens.sign({ expiresIn: 86_400 });
    await verifier.verify(token);
    await issuer.fault({ kind: 'status', status: 502 });

    now += 600_000 + 3_599_000;
    expect(await outcome(verifier.verify(token))).toBe('accepted');

    now += 2_000;
    expect(await outcome(verifier.verify(token))).toBe('key_source_unavailable');
  });

  it('turns stale serving off with a zero window', async () => {
    const verifier = remoteVerifier({ jwksCache: { staleWindow: 0, timeout: 0.5 } });
    const token = await tokens.sign({ expiresIn: 86_400 });
    await verifier.verify(token);
    await issuer.fault({ kind: 'refuse' });

    now += 601_000;
    expect(await outcome(verifier.verify(token))).toBe('key_source_unavailable');
  });

  it('answers 503 for an unknown kid when the refetch fails', async () => {
    const verifier = remoteVerifier();
    await verifier.verify(await tokens.sign());
    await issuer.fault({ kind: 'status', status: 503 });

    now += 31_000;
    expect(await outcome(verifier.verify(await tokens.preset('unknownKid')))).toBe('key_source_unavailable');
    expect(await outcome(verifier.verify(await tokens.sign()))).toBe('accepted');
  });
});

describe('key sets without kid', () => {
  it('fetches again for a key published since the last fetch', async () => {
    const first = await generateTestKey('RS256', 'unused');
    const second = await generateTestKey('RS256', 'unused-2');
    const withoutKid = (key: TestKey) => ({ ...key.publicJwk, kid: undefined });
    issuer.setJwks({ keys: [withoutKid(first)] });
    const verifier = remoteVerifier();
    const signedBy = (key: TestKey) => tokens.sign({ key, header: { kid: undefined } });

    expect(await outcome(verifier.verify(await signedBy(first)))).toBe('accepted');
    issuer.setJwks({ keys: [withoutKid(first), withoutKid(second)] });

    expect(await outcome(verifier.verify(await signedBy(second)))).toBe('signature_invalid');
    expect(issuer.requests.jwks).toBe(1);

    now += 30_000;
    expect(await outcome(verifier.verify(await signedBy(second)))).toBe('accepted');
    expect(await outcome(verifier.verify(await signedBy(first)))).toBe('accepted');
    expect(issuer.requests.jwks).toBe(2);
  });
});
