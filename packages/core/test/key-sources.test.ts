import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTokenFactory, generateTestKey, generateTestKeys, startIssuer, type LocalIssuer, type TestKey, type TokenFactory } from '@latchkey/test-fixtures';
import {
  ConfigurationError,
  createVerifier,
  DIAGNOSTICS_CHANNEL,
  type IssuerOptions,
  type KeySourceEvent,
  type LatchkeyError,
  type VerifierOptions,
} from '@latchkey/core';

const AUDIENCE = 'https://api.example.com';
const T = 1_700_000_000_000;

let keys: { rsa: TestKey; ec: TestKey; ed: TestKey };
let first: LocalIssuer;
let second: LocalIssuer;
let now: number;
let events: KeySourceEvent[];

beforeAll(async () => {
  keys = await generateTestKeys();
  first = await startIssuer({ keys: [keys.rsa] });
  second = await startIssuer({ keys: [keys.ec] });
});

afterAll(async () => {
  await Promise.all([first.close(), second.close()]);
});

beforeEach(() => {
  now = T;
  events = [];
  for (const issuer of [first, second]) {
    issuer.setHeaders({});
    issuer.setDiscovery({});
    issuer.resetCounts();
  }
  first.setKeys([keys.rsa]);
  second.setKeys([keys.ec]);
});

afterEach(async () => {
  await Promise.all([first.clearFault(), second.clearFault()]);
});

function factoryFor(issuer: LocalIssuer, key: TestKey): TokenFactory {
  return createTokenFactory({ issuer: issuer.issuer, audience: AUDIENCE, key, now: () => Math.floor(now / 1000) });
}

function verifierWith(options: Record<string, unknown>) {
  return createVerifier({
    audience: AUDIENCE,
    clock: () => now,
    onEvent: (event: KeySourceEvent) => {
      events.push(event);
    },
    ...options,
  } as VerifierOptions);
}

async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'accepted';
  } catch (error) {
    return (error as LatchkeyError).code ?? String(error);
  }
}

describe('discovery', () => {
  it('finds the JWKS through OpenID discovery', async () => {
    const verifier = verifierWith({ issuer: first.issuer, discovery: true });

    expect(await outcome(verifier.verify(await factoryFor(first, keys.rsa).sign()))).toBe('accepted');
    expect(first.requests.discovery).toBe(1);
    expect(first.requests.jwks).toBe(1);
    expect(events.map((event) => event.type)).toEqual(['discovery', 'jwks_fetch']);
  });

  it('falls back to RFC 8414 metadata', async () => {
    await first.fault({ kind: 'status', status: 404, path: 'discovery' });
    const verifier = verifierWith({ issuer: first.issuer, discovery: true });

    expect(await outcome(verifier.verify(await factoryFor(first, keys.rsa).sign()))).toBe('key_source_unavailable');
    await first.clearFault();

    const log = first.log.map((entry) => entry.path);
    expect(log).toEqual(['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']);
  });

  it('uses RFC 8414 metadata when OpenID metadata is missing', async () => {
    const oidcOnlyMissing = await startIssuer({ keys: [keys.rsa] });
    const verifier = verifierWith({ issuer: oidcOnlyMissing.issuer, discovery: true, fetch: withoutOpenIdConfiguration });

    expect(await outcome(verifier.verify(await factoryFor(oidcOnlyMissing, keys.rsa).sign()))).toBe('accepted');
    expect(events.filter((event) => event.type === 'discovery')).toMatchObject([{ url: `${oidcOnlyMissing.issuer}/.well-known/oauth-authorization-server` }]);
    await oidcOnlyMissing.close();
  });

  it('rejects metadata that names another issuer', async () => {
    first.setDiscovery({ issuer: `${first.issuer}/` });
    const verifier = verifierWith({ issuer: first.issuer, discovery: true });

    expect(await outcome(verifier.verify(await factoryFor(first, keys.rsa).sign()))).toBe('key_source_unavailable');
    expect(first.requests.jwks).toBe(0);
    expect(events).toContainEqual(expect.objectContaining({ type: 'discovery_failed', reason: 'issuer_mismatch' }));
  });

  it('rejects a plain http jwks_uri outside loopback', async () => {
    first.setDiscovery({ jwks_uri: 'http://keys.example.com/jwks' });
    const verifier = verifierWith({ issuer: first.issuer, discovery: true });

    expect(await outcome(verifier.verify(await factoryFor(first, keys.rsa).sign()))).toBe('key_source_unavailable');
    expect(events).toContainEqual(expect.objectContaining({ type: 'discovery_failed', reason: 'invalid_metadata' }));
  });

  it('never takes the key location from the token', async () => {
    const verifier = verifierWith({ issuer: first.issuer, discovery: true });
    const attacker = await generateTestKey('RS256', 'attacker');
    const token = await factoryFor(first, keys.rsa).sign({ key: attacker, header: { jku: second.jwksUri, jwk: attacker.publicJwk } });

    expect(await outcome(verifier.verify(token))).toBe('key_not_found');
    expect(second.requests.total).toBe(0);
  });

  it('requires exactly one issuer', () => {
    expect(() => verifierWith({ issuer: [first.issuer, second.issuer], discovery: true })).toThrow(ConfigurationError);
    expect(() => verifierWith({ issuer: null, discovery: true })).toThrow(/needs exactly one issuer/);
    expect(() => verifierWith({ issuer: 'http://auth.example.com', discovery: true })).toThrow(/must use https/);
  });
});

/** Returns 404 for the OpenID document, as an RFC 8414-only server does, and passes the rest on. */
function withoutOpenIdConfiguration(input: URL | RequestInfo, init?: RequestInit): Promise<Response> {
  if (String(input).endsWith('/.well-known/openid-configuration')) return Promise.resolve(new Response('not found', { status: 404 }));
  return fetch(input, init);
}

describe('several issuers', () => {
  const entries = (): IssuerOptions[] => [
    { issuer: first.issuer, jwksUri: first.jwksUri },
    { issuer: second.issuer, discovery: true },
  ];

  it('verifies tokens of every listed issuer', async () => {
    const verifier = verifierWith({ issuers: entries() });

    expect(await outcome(verifier.verify(await factoryFor(first, keys.rsa).sign()))).toBe('accepted');
    expect(await outcome(verifier.verify(await factoryFor(second, keys.ec).sign()))).toBe('accepted');
  });

  it('keeps the same kid of two issuers apart', async () => {
    const shared = await generateTestKey('RS256', 'same-kid');
    const other = await generateTestKey('RS256', 'same-kid');
    first.setKeys([shared]);
    second.setKeys([other]);
    const verifier = verifierWith({ issuers: entries() });

    expect(await outcome(verifier.verify(await factoryFor(first, shared).sign()))).toBe('accepted');
    expect(await outcome(verifier.verify(await factoryFor(second, other).sign()))).toBe('accepted');
    expect(await outcome(verifier.verify(await factoryFor(second, shared).sign()))).toBe('signature_invalid');
    expect(await outcome(verifier.verify(await factoryFor(first, other).sign()))).toBe('signature_invalid');
  });

  it('rejects unlisted issuers before any fetch', async () => {
    const verifier = verifierWith({ issuers: entries() });
    const foreign = createTokenFactory({ issuer: 'https://attacker.example.net/', audience: AUDIENCE, key: keys.rsa, now: () => Math.floor(now / 1000) });

    for (const iss of ['https://attacker.example.net/', 'http://169.254.169.254/latest/meta-data/', `${first.issuer}.attacker.example.net`, `${first.issuer}/`]) {
      expect(await outcome(verifier.verify(await foreign.sign({ claims: { iss } })))).toBe('issuer_invalid');
    }
    expect(first.requests.total + second.requests.total).toBe(0);
  });

  it('applies a per-issuer audience', async () => {
    const verifier = verifierWith({ issuers: [{ issuer: first.issuer, jwksUri: first.jwksUri, audience: 'urn:first-api' }] });
    const tokens = factoryFor(first, keys.rsa);

    expect(await outcome(verifier.verify(await tokens.sign()))).toBe('audience_invalid');
    expect(await outcome(verifier.verify(await tokens.sign({ claims: { aud: 'urn:first-api' } })))).toBe('accepted');
  });

  it('picks the issuer through an async resolver', async () => {
    const asked: string[] = [];
    const verifier = verifierWith({
      issuers: async ({ issuer }: { issuer: string }) => {
        asked.push(issuer);
        return issuer === second.issuer ? { issuer, jwksUri: second.jwksUri } : undefined;
      },
    });

    expect(await outcome(verifier.verify(await factoryFor(second, keys.ec).sign()))).toBe('accepted');
    expect(await outcome(verifier.verify(await factoryFor(second, keys.ec).sign()))).toBe('accepted');
    expect(await outcome(verifier.verify(await factoryFor(first, keys.rsa).sign()))).toBe('issuer_invalid');
    expect(asked).toEqual([second.issuer, second.issuer, first.issuer]);
    expect(second.requests.jwks).toBe(1);
    expect(first.requests.total).toBe(0);
  });

  it('passes the request to the resolver', async () => {
    const verifier = verifierWith({
      issuers: ({ issuer, request }: { issuer: string; request?: { url?: string } }) =>
        request?.url?.startsWith('/tenant-b/') === true ? { issuer, jwksUri: second.jwksUri } : undefined,
    });
    const token = await factoryFor(second, keys.ec).sign();

    expect(await outcome(verifier.authenticate({ authorization: `Bearer ${token}`, url: '/tenant-b/items' }))).toBe('accepted');
    expect(await outcome(verifier.authenticate({ authorization: `Bearer ${token}`, url: '/tenant-a/items' }))).toBe('issuer_invalid');
  });

  it('refuses static keys from a resolver', async () => {
    const verifier = verifierWith({ issuers: ({ issuer }: { issuer: string }) => ({ issuer, jwks: { keys: [keys.rsa.publicJwk] } }) });

    await expect(verifier.verify(await factoryFor(first, keys.rsa).sign())).rejects.toThrow(ConfigurationError);
  });

  it('rejects invalid issuer lists at start-up', () => {
    expect(() => verifierWith({ issuers: [] })).toThrow(/issuers/);
    expect(() => verifierWith({ issuers: [{ issuer: first.issuer }] })).toThrow(/issuers\[0\]\.jwksUri/);
    expect(() => verifierWith({ issuers: [{ issuer: '', jwksUri: first.jwksUri }] })).toThrow(/issuers\[0\]\.issuer/);
    expect(() => verifierWith({ issuers: [...entries(), { issuer: first.issuer, jwksUri: first.jwksUri }] })).toThrow(/repeats/);
    expect(() => verifierWith({ issuer: first.issuer, issuers: entries() })).toThrow(/together with issuers/);
  });
});

describe('cache lifetime', () => {
  async function lifetimeFor(headers: Record<string, string>): Promise<number | undefined> {
    first.setHeaders(headers);
    const verifier = verifierWith({ issuer: first.issuer, jwksUri: first.jwksUri });
    await verifier.verify(await factoryFor(first, keys.rsa).sign());

    const fetched = events.find((event) => event.type === 'jwks_fetch');
    return fetched?.type === 'jwks_fetch' ? fetched.lifetimeMs : undefined;
  }

  it('follows Cache-Control max-age', async () => {
    expect(await lifetimeFor({ 'Cache-Control': 'public, max-age=3600' })).toBe(3_600_000);
  });

  it('raises a short lifetime to the minimum', async () => {
    expect(await lifetimeFor({ 'Cache-Control': 'max-age=1' })).toBe(60_000);
  });

  it('treats no-store as the minimum', async () => {
    expect(await lifetimeFor({ 'Cache-Control': 'no-store' })).toBe(60_000);
  });

  it('caps a long lifetime at the maximum', async () => {
    expect(await lifetimeFor({ 'Cache-Control': 'max-age=31536000' })).toBe(86_400_000);
  });

  it('follows Expires relative to Date', async () => {
    expect(await lifetimeFor({ Date: new Date(T).toUTCString(), Expires: new Date(T + 7_200_000).toUTCString() })).toBe(7_200_000);
  });

  it('treats an invalid Expires as the minimum', async () => {
    expect(await lifetimeFor({ Expires: '0' })).toBe(60_000);
  });

  it('uses max age when the response says nothing', async () => {
    expect(await lifetimeFor({})).toBe(600_000);
  });

  it('uses the configured bounds', async () => {
    first.setHeaders({ 'Cache-Control': 'max-age=10' });
    const verifier = verifierWith({ issuer: first.issuer, jwksUri: first.jwksUri, jwksCache: { minLifetime: 5, maxLifetime: 20 } });
    await verifier.verify(await factoryFor(first, keys.rsa).sign());

    expect(events).toContainEqual(expect.objectContaining({ type: 'jwks_fetch', lifetimeMs: 10_000 }));
  });

  it('fetches again after the lifetime from the headers', async () => {
    first.setHeaders({ 'Cache-Control': 'max-age=3600' });
    const verifier = verifierWith({ issuer: first.issuer, jwksUri: first.jwksUri });
    const token = await factoryFor(first, keys.rsa).sign({ expiresIn: 100_000 });
    await verifier.verify(token);

    now += 2_000_000;
    await verifier.verify(token);
    expect(first.requests.jwks).toBe(1);

    now += 1_601_000;
    await verifier.verify(token);
    expect(first.requests.jwks).toBe(2);
  });
});

describe('fetch cap', () => {
  it('limits fetches per minute across issuers', async () => {
    const verifier = verifierWith({
      issuers: [
        { issuer: first.issuer, jwksUri: first.jwksUri },
        { issuer: second.issuer, jwksUri: second.jwksUri },
      ],
      jwksCache: { maxFetchesPerMinute: 1, cooldown: 0 },
    });

    expect(await outcome(verifier.verify(await factoryFor(first, keys.rsa).sign()))).toBe('accepted');
    const limited = (await verifier.verify(await factoryFor(second, keys.ec).sign()).catch((error: unknown) => error)) as LatchkeyError & { retryAfter: number };

    expect(limited.code).toBe('key_source_unavailable');
    expect(limited.retryAfter).toBe(60);
    expect(second.requests.jwks).toBe(0);

    now += 60_000;
    expect(await outcome(verifier.verify(await factoryFor(second, keys.ec).sign()))).toBe('accepted');
  });
});

describe('preload', () => {
  it('reports loaded key ids', async () => {
    const report = await verifierWith({ issuer: first.issuer, jwksUri: first.jwksUri }).preload();

    expect(report.ok).toBe(true);
    expect(report.issuers).toEqual([{ issuer: first.issuer, kids: [keys.rsa.kid], problems: [] }]);
  });

  it('reports an allowlist that matches no published key', async () => {
    const report = await verifierWith({ issuer: first.issuer, jwksUri: first.jwksUri, algorithms: ['ES256'] }).preload();

    expect(report.ok).toBe(false);
    expect(report.issuers[0]?.problems).toMatchObject([{ code: 'no_key_for_algorithms' }]);
  });

  it('reports an unreachable issuer without rejecting', async () => {
    await first.fault({ kind: 'refuse' });
    const verifier = verifierWith({ issuer: first.issuer, discovery: true });

    const report = await verifier.preload();

    expect(report.ok).toBe(false);
    expect(report.issuers[0]?.problems).toMatchObject([{ code: 'key_source_unreachable' }]);
  });

  it('reports a plain http issuer', async () => {
    const report = await verifierWith({ issuer: 'http://auth.example.com', jwksUri: first.jwksUri }).preload();

    expect(report.issuers[0]?.problems.map((problem) => problem.code)).toEqual(['insecure_issuer']);
  });

  it('serves requests from the preloaded set', async () => {
    const verifier = verifierWith({ issuer: first.issuer, jwksUri: first.jwksUri });
    await verifier.preload();

    expect(await outcome(verifier.verify(await factoryFor(first, keys.rsa).sign()))).toBe('accepted');
    expect(first.requests.jwks).toBe(1);
  });
});

describe('diagnostics channel', () => {
  it('publishes key source events', async () => {
    const published: unknown[] = [];
    const listener = (message: unknown) => published.push(message);
    subscribe(DIAGNOSTICS_CHANNEL, listener);

    try {
      const verifier = verifierWith({ issuer: first.issuer, jwksUri: first.jwksUri });
      await verifier.verify(await factoryFor(first, keys.rsa).sign());
    } finally {
      unsubscribe(DIAGNOSTICS_CHANNEL, listener);
    }
    expect(published).toMatchObject([{ type: 'jwks_fetch', issuer: first.issuer, trigger: 'initial' }]);
  });

  it('ignores a throwing event listener', async () => {
    const verifier = createVerifier({
      issuer: first.issuer,
      audience: AUDIENCE,
      jwksUri: first.jwksUri,
      clock: () => now,
      onEvent: () => {
        throw new Error('logger down');
      },
    });

    expect(await outcome(verifier.verify(await factoryFor(first, keys.rsa).sign()))).toBe('accepted');
  });
});
