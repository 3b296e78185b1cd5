import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisRevocationStore, createVerifier, type LatchkeyError } from '@latchkey/core';
import { createTokenFactory, generateTestKey, type TestKey, toJwks } from '@latchkey/test-fixtures';
import { type RedisServer, startRedisServer } from './redis-server.js';

// CI starts redis-server on 127.0.0.1:6379 and sets REDIS_URL; elsewhere the test starts its own.
let own: RedisServer | undefined;
let client: ReturnType<typeof createClient>;
let key: TestKey;

beforeAll(async () => {
  const url = process.env['REDIS_URL'] || (own = await startRedisServer()).url;
  client = createClient({ url });
  client.on('error', () => undefined);
  await client.connect();
  key = await generateTestKey('RS256', 'k1');
}, 20_000);

afterAll(async () => {
  await client?.destroy();
  await own?.stop();
});

describe('Redis revocation store', () => {
  it('shares revocations between two verifiers', async () => {
    const prefix = `latchkey:test:${Date.now()}:${Math.random()}:`;
    const options = { issuer: 'https://auth.example.com/', audience: 'https://api.example.com', jwks: toJwks([key]) };
    const first = createVerifier({ ...options, revocation: { store: createRedisRevocationStore({ client, prefix }) } });
    const second = createVerifier({ ...options, revocation: { store: createRedisRevocationStore({ client, prefix }) } });
    const tokens = createTokenFactory({ issuer: options.issuer, audience: options.audience, key });
    const token = await tokens.sign({ claims: { jti: 'shared-1', sub: 'user-1' } });
    const store = createRedisRevocationStore({ client, prefix });

    await expect(first.verify(token)).resolves.toBeDefined();
    await store.revokeToken({ issuer: options.issuer, tokenId: 'shared-1', expiresAt: Math.floor(Date.now() / 1000) + 60 });

    for (const verifier of [first, second]) {
      const failure = (await verifier.verify(token).catch((error: unknown) => error)) as LatchkeyError;
      expect(failure.code).toBe('token_revoked');
    }
    expect(await client.pTTL(`${prefix}jti:${encodeURIComponent(options.issuer)}:shared-1`)).toBeGreaterThan(0);
  });

  it('rejects every older token of a subject after sign-out everywhere', async () => {
    const prefix = `latchkey:test:${Date.now()}:${Math.random()}:`;
    const store = createRedisRevocationStore({ client, prefix });
    const options = { issuer: 'https://auth.example.com/', audience: 'https://api.example.com', jwks: toJwks([key]) };
    const verifier = createVerifier({ ...options, revocation: { store } });
    const now = Math.floor(Date.now() / 1000);
    const tokens = createTokenFactory({ issuer: options.issuer, audience: options.audience, key });

    const epoch = await store.revokeSubject({ issuer: options.issuer, subject: 'user-2' });

    expect(epoch).toBeGreaterThanOrEqual(now);
    const before = await tokens.sign({ claims: { sub: 'user-2', iat: Math.floor(epoch) } });
    const after = await tokens.sign({ claims: { sub: 'user-2', iat: Math.floor(epoch) + 1 } });
    await expect(verifier.verify(before)).rejects.toMatchObject({ code: 'token_revoked' });
    await expect(verifier.verify(after)).resolves.toBeDefined();
  });
});
