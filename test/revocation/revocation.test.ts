import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify from 'fastify';
import { createClient } from 'redis';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createMemoryRevocationStore,
  createRedisRevocationStore,
  createVerifier,
  type LatchkeyError,
  type LatchkeyEvent,
  type RevocationStore,
  type VerifierOptions,
} from '@latchkey/core';
import { latchkey as expressLatchkey } from '@latchkey/express';
import { latchkey as fastifyLatchkey } from '@latchkey/fastify';
import { createTokenFactory, generateTestKey, type TestKey, type TokenFactory, toJwks } from '@latchkey/test-fixtures';
import { type RedisServer, startRedisServer } from './redis-server.js';

const ISSUER = 'https://auth.example.com/';
const AUDIENCE = 'https://api.example.com';
const T = 1_700_000_000;

let key: TestKey;
let tokens: TokenFactory;

beforeAll(async () => {
  key = await generateTestKey('RS256', 'k1');
  tokens = createTokenFactory({ issuer: ISSUER, audience: AUDIENCE, key, now: () => T });
});

function verifierWith(store: RevocationStore, extra: Partial<VerifierOptions> = {}, nowMs = T * 1000) {
  return createVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: toJwks([key]), clock: () => nowMs, revocation: { store }, ...extra } as VerifierOptions);
}

async function outcome(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'accepted',
    (error: unknown) => (error as LatchkeyError).code ?? String(error),
  );
}

describe('memory revocation store', () => {
  it('rejects a revoked token id and nothing else', async () => {
    const store = createMemoryRevocationStore({ clock: () => T * 1000 });
    const verifier = verifierWith(store);
    const revoked = await tokens.sign({ claims: { jti: 'revoked-1' } });
    const other = await tokens.sign({ claims: { jti: 'fine-1' } });

    await store.revokeToken({ issuer: ISSUER, tokenId: 'revoked-1', expiresAt: T + 3600 });

    expect(await outcome(verifier.verify(revoked))).toBe('token_revoked');
    expect(await outcome(verifier.verify(other))).toBe('accepted');
  });

  it('keeps token ids of two issuers apart', async () => {
    const store = createMemoryRevocationStore({ clock: () => T * 1000 });
    await store.revokeToken({ issuer: 'https://other.example.com/', tokenId: 'same-id', expiresAt: T + 3600 });

    expect(await outcome(verifierWith(store).verify(await tokens.sign({ claims: { jti: 'same-id' } })))).toBe('accepted');
  });

  it('forgets a revoked id once the token would have expired', async () => {
    let now = T * 1000;
    const store = createMemoryRevocationStore({ clock: () => now });
    await store.revokeToken({ issuer: ISSUER, tokenId: 'short', expiresAt: T + 10 });

    expect(await store.lookup({ issuer: ISSUER, subject: undefined, tokenId: 'short' })).toEqual({ revoked: true, epoch: undefined });
    now += 11_000;
    expect(await store.lookup({ issuer: ISSUER, subject: undefined, tokenId: 'short' })).toEqual({ revoked: false, epoch: undefined });
  });

  it('stays within its entry bound', async () => {
    const store = createMemoryRevocationStore({ maxEntries: 10, clock: () => T * 1000 });
    for (let index = 0; index < 100; index++) await store.revokeToken({ issuer: ISSUER, tokenId: `id-${index}`, expiresAt: T + 3600 });

    expect((await store.lookup({ issuer: ISSUER, subject: undefined, tokenId: 'id-0' })).revoked).toBe(false);
    expect((await store.lookup({ issuer: ISSUER, subject: undefined, tokenId: 'id-99' })).revoked).toBe(true);
  });
});

describe('sign out everywhere', () => {
  it('rejects tokens issued up to the epoch second', async () => {
    const store = createMemoryRevocationStore({ clock: () => T * 1000 + 400 });
    const verifier = verifierWith(store, {}, T * 1000 + 900);
    const epoch = await store.revokeSubject({ issuer: ISSUER, subject: 'user-u' });

    expect(epoch).toBe(T + 0.4);
    const forU = (claims: Record<string, unknown>) => tokens.sign({ claims: { sub: 'user-u', ...claims } });
    expect(await outcome(verifier.verify(await forU({ iat: T })))).toBe('token_revoked');
    expect(await outcome(verifier.verify(await forU({ iat: T, jti: 'minted-after-in-same-second' })))).toBe('token_revoked');
    expect(await outcome(verifier.verify(await forU({ iat: T + 1 })))).toBe('accepted');
    expect(await outcome(verifier.verify(await forU({ iat: T - 1 })))).toBe('token_revoked');
    expect(await outcome(verifier.verify(await forU({ iat: undefined })))).toBe('token_revoked');
    expect(await outcome(verifier.verify(await tokens.sign({ claims: { sub: 'user-v', iat: T - 1 } })))).toBe('accepted');
  });

  it('keeps the epoch for the retention time', async () => {
    let now = T * 1000;
    const store = createMemoryRevocationStore({ clock: () => now });
    await store.revokeSubject({ issuer: ISSUER, subject: 'user-u', retainFor: 900 });

    now += 899_000;
    expect((await store.lookup({ issuer: ISSUER, subject: 'user-u', tokenId: undefined })).epoch).toBe(T);
    now += 2_000;
    expect((await store.lookup({ issuer: ISSUER, subject: 'user-u', tokenId: undefined })).epoch).toBeUndefined();
  });
});

describe('revocation configuration', () => {
  it('rejects a missing store and a bad timeout at start-up', () => {
    expect(() => verifierWith({} as RevocationStore)).toThrow(/revocation\.store/);
    expect(() => verifierWith(createMemoryRevocationStore(), { revocation: { store: createMemoryRevocationStore(), timeout: 0 } })).toThrow(/revocation\.timeout/);
  });
});

describe('Redis revocation store across two APIs', () => {
  let redis: RedisServer;
  let client: ReturnType<typeof createClient>;
  let store: RevocationStore;
  let events: LatchkeyEvent[];
  let expressUrl: string;
  let fastifyUrl: string;
  const closers: Array<() => Promise<unknown>> = [];
  const revokedToken = () => tokens.sign({ claims: { jti: 'revoked-through-express' }, expiresIn: 10 ** 9 });
  const goodToken = () => tokens.sign({ claims: { jti: 'never-revoked' }, expiresIn: 10 ** 9 });

  beforeAll(async () => {
    redis = await startRedisServer();
    client = createClient({ url: redis.url, socket: { reconnectStrategy: () => 50, connectTimeout: 500 } });
    client.on('error', () => undefined);
    await client.connect();
    store = createRedisRevocationStore({ client });

    const options = { issuer: ISSUER, audience: AUDIENCE, jwks: toJwks([key]), revocation: { store, timeout: 0.3 }, onEvent: (event: LatchkeyEvent) => events.push(event) } as VerifierOptions;
    const app = express();
    app.get('/items', expressLatchkey(options), (_request, response) => {
      response.json({ ok: true });
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    expressUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    closers.push(() => new Promise((resolve) => server.close(resolve)));

    const fastify = Fastify();
    await fastify.register(fastifyLatchkey, options);
    fastify.get('/items', async () => ({ ok: true }));
    fastifyUrl = await fastify.listen({ port: 0, host: '127.0.0.1' });
    closers.push(() => fastify.close());

    await store.revokeToken({ issuer: ISSUER, tokenId: 'revoked-through-express', expiresAt: T + 10 ** 9 });
  }, 20_000);

  afterAll(async () => {
    await Promise.all(closers.map((close) => close()));
    await client?.destroy();
    await redis?.stop();
  });

  beforeEach(() => {
    events = [];
  });

  async function statusOf(url: string, token: string): Promise<{ status: number; code: string | undefined; retryAfter: string | null; challenge: string | null }> {
    const response = await fetch(`${url}/items`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await response.json()) as { code?: string };
    return { status: response.status, code: body.code, retryAfter: response.headers.get('retry-after'), challenge: response.headers.get('www-authenticate') };
  }

  it('rejects a revoked token on both APIs', async () => {
    for (const url of [expressUrl, fastifyUrl]) {
      expect(await statusOf(url, await revokedToken())).toMatchObject({ status: 401, code: 'token_revoked' });
      expect((await statusOf(url, await goodToken())).status).toBe(200);
    }
  });

  it('answers 503 while Redis is down and recovers after', async () => {
    await redis.stop();

    for (const url of [expressUrl, fastifyUrl]) {
      for (const token of [await revokedToken(), await goodToken()]) {
        const result = await statusOf(url, token);
        expect(result).toMatchObject({ status: 503, code: 'revocation_unavailable', retryAfter: '5', challenge: null });
      }
    }
    await expect(store.revokeToken({ issuer: ISSUER, tokenId: 'during-outage', expiresAt: T + 10 ** 9 })).rejects.toThrow();
    expect(events.filter((event) => event.type === 'revocation_unavailable')).toHaveLength(2);

    await redis.start();
    await vi.waitFor(async () => expect(await client.ping()).toBe('PONG'), { timeout: 10_000, interval: 100 });
    for (const url of [expressUrl, fastifyUrl]) {
      expect((await statusOf(url, await revokedToken())).status).toBe(401);
      expect((await statusOf(url, await goodToken())).status).toBe(200);
    }
  }, 30_000);

  it('answers 503 within the timeout while Redis hangs', async () => {
    redis.pause();
    try {
      for (const url of [expressUrl, fastifyUrl]) {
        expect(await statusOf(url, await revokedToken())).toMatchObject({ status: 503, code: 'revocation_unavailable' });
      }
    } finally {
      redis.resume();
    }
    await vi.waitFor(async () => expect(await client.ping()).toBe('PONG'), { timeout: 10_000, interval: 100 });
  }, 30_000);

  it('accepts tokens in fail-open mode and reports the outage once', async () => {
    const failOpenEvents: LatchkeyEvent[] = [];
    const verifier = createVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      jwks: toJwks([key]),
      revocation: { store, timeout: 0.2, failOpen: true },
      onEvent: (event) => failOpenEvents.push(event),
    });

    redis.pause();
    try {
      for (let attempt = 0; attempt < 3; attempt++) expect(await outcome(verifier.verify(await goodToken()))).toBe('accepted');
    } finally {
      redis.resume();
    }
    expect(failOpenEvents.filter((event) => event.type === 'revocation_unavailable')).toEqual([{ type: 'revocation_unavailable', reason: 'timeout', failOpen: true }]);
    await vi.waitFor(async () => expect(await client.ping()).toBe('PONG'), { timeout: 10_000, interval: 100 });
  }, 30_000);
});
