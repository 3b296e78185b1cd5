import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient } from '@latchkey/client';
import { createMemoryRevocationStore, type RevocationStore } from '@latchkey/core';
import { createTokenFactory, generateTestKey, startIssuer, type LocalIssuer, type TokenFactory, unsignedToken } from '@latchkey/test-fixtures';
import type { Express } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApi, startExpressApi } from '../src/apis.js';
import { createAuthOptions } from '../src/auth-options.js';
import { DEFAULT_AUDIENCE } from '../src/settings.js';
import { cookieApp } from './snippets/cookie-same-origin.js';
import { callApi } from './snippets/handle-response.js';
import { httpsOnlyApp } from './snippets/https-only.js';
import { signOutEverywhere } from './snippets/sign-out-everywhere.js';
import { type BetterAuthServer, startBetterAuth } from './support/better-auth-server.js';
import { callApi as callWithToken } from './support/network.js';

/** Both snippet apps expect this issuer, which never runs: their tests end before a key is needed. */
const SNIPPET_ISSUER = 'http://127.0.0.1:3000';

async function listen(app: Express): Promise<{ url: string; server: Server }> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

async function close(server: Server | undefined): Promise<void> {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
}

/** A token that names another issuer, so latchkey rejects it before looking for a key. */
const foreignToken = unsignedToken({ alg: 'EdDSA' }, { iss: 'http://127.0.0.1:9', aud: DEFAULT_AUDIENCE, sub: 'user-1', exp: 4_000_000_000 });

async function problemCode(response: Response): Promise<unknown> {
  return ((await response.json()) as Record<string, unknown>)['code'];
}

describe('HTTPS-only snippet', () => {
  let url: string;
  let server: Server;

  beforeAll(async () => ({ url, server } = await listen(httpsOnlyApp)));
  afterAll(() => close(server));

  const forwarded = (proto: string) => ({ authorization: `Bearer ${foreignToken}`, 'x-forwarded-for': '203.0.113.9', 'x-forwarded-proto': proto });

  it('rejects a token that came over plain HTTP', async () => {
    const response = await fetch(`${url}/me`, { headers: forwarded('http') });

    expect(response.status).toBe(400);
    expect(await problemCode(response)).toBe('credentials_insecure');
  });

  it('verifies a token that came over HTTPS', async () => {
    const response = await fetch(`${url}/me`, { headers: forwarded('https') });

    expect(response.status).toBe(401);
    expect(await problemCode(response)).toBe('issuer_invalid');
  });

  it('allows plain HTTP from a loopback client', async () => {
    const response = await fetch(`${url}/me`, { headers: { authorization: `Bearer ${foreignToken}` } });

    expect(await problemCode(response)).toBe('issuer_invalid');
  });
});

describe('cookie same-origin snippet', () => {
  let url: string;
  let server: Server;

  beforeAll(async () => ({ url, server } = await listen(cookieApp)));
  afterAll(() => close(server));

  const post = (headers: Record<string, string>) => fetch(`${url}/items`, { method: 'POST', headers: { cookie: `lk_at=${foreignToken}`, ...headers } });

  it('rejects a cross-site POST with the cookie', async () => {
    const response = await post({ 'sec-fetch-site': 'cross-site', origin: 'http://127.0.0.1:9999' });

    expect(response.status).toBe(403);
    expect(await problemCode(response)).toBe('cross_site_request');
  });

  it('rejects a POST from another Origin without Fetch Metadata', async () => {
    expect((await post({ origin: 'http://127.0.0.1:9999' })).status).toBe(403);
  });

  it('passes a same-origin POST on to latchkey', async () => {
    const response = await post({ 'sec-fetch-site': 'same-origin', origin: SNIPPET_ISSUER });

    expect(response.status).toBe(401);
    expect(await problemCode(response)).toBe('issuer_invalid');
  });

  it('passes a POST from the app Origin without Fetch Metadata', async () => {
    expect(await problemCode(await post({ origin: SNIPPET_ISSUER }))).toBe('issuer_invalid');
  });
});

describe('sign-out-everywhere snippet', () => {
  let server: BetterAuthServer;
  let api: RunningApi;
  let store: RevocationStore;

  beforeAll(async () => {
    server = await startBetterAuth((base) => createAuthOptions({ ...base, audience: DEFAULT_AUDIENCE, tokenLifetime: 300 }));
    store = createMemoryRevocationStore();
    api = await startExpressApi({ issuer: server.baseURL, audience: DEFAULT_AUDIENCE, jwksUri: server.jwksUri, allowedOrigins: [], store });
  });

  afterAll(async () => {
    await api?.close();
    await server?.close();
  });

  it('ends the sessions and rejects issued tokens', async () => {
    const cookie = await server.signUp(`user-${randomUUID()}@example.com`);
    const token = await server.token(cookie);
    expect((await callWithToken(`${api.url}/me`, token)).status).toBe(200);

    const epoch = await signOutEverywhere(server.auth, store, server.baseURL, new Headers({ cookie }));

    expect(epoch).toEqual(expect.any(Number));
    expect(await callWithToken(`${api.url}/me`, token)).toEqual({ status: 401, code: 'token_revoked' });
    expect((await fetch(`${server.baseURL}/api/auth/token`, { headers: { cookie } })).status).toBe(401);
  });

  it('returns null without a session', async () => {
    expect(await signOutEverywhere(server.auth, store, server.baseURL, new Headers())).toBeNull();
  });
});

describe('response handling snippet', () => {
  let issuer: LocalIssuer;
  let tokens: TokenFactory;
  const apis: RunningApi[] = [];

  beforeAll(async () => {
    const key = await generateTestKey('ES256');
    issuer = await startIssuer({ keys: [key] });
    tokens = createTokenFactory({ issuer: issuer.issuer, audience: DEFAULT_AUDIENCE, key });
  });

  afterAll(async () => {
    await Promise.all(apis.map((api) => api.close()));
    await issuer?.close();
  });

  async function apiWith(store: RevocationStore): Promise<string> {
    const api = await startExpressApi({ issuer: issuer.issuer, audience: DEFAULT_AUDIENCE, jwksUri: issuer.jwksUri, allowedOrigins: [], store });
    apis.push(api);
    return api.url;
  }

  function clientWith(token: string | null) {
    return createClient({ tokenProvider: async () => token, lock: null, channel: null, maxRetryAfterMs: 0 });
  }

  it('maps a 200 to ok', async () => {
    const url = await apiWith(createMemoryRevocationStore());

    expect(await callApi(clientWith(await tokens.sign()), `${url}/me`)).toEqual({ kind: 'ok', body: { sub: 'user-123', scopes: ['read:items'] } });
  });

  it('maps a 401 without a session to sign_in', async () => {
    const url = await apiWith(createMemoryRevocationStore());

    expect(await callApi(clientWith(null), `${url}/me`)).toEqual({ kind: 'sign_in' });
  });

  it('maps a missing scope to forbidden', async () => {
    const url = await apiWith(createMemoryRevocationStore());
    const request = { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"Lamp"}' };

    expect(await callApi(clientWith(await tokens.sign()), `${url}/items`, request)).toEqual({ kind: 'forbidden', missingScope: 'write:items' });
  });

  it('maps a revocation store outage to try_later', async () => {
    const failing: RevocationStore = { ...createMemoryRevocationStore(), lookup: () => Promise.reject(new Error('store offline')) };
    const url = await apiWith(failing);

    expect(await callApi(clientWith(await tokens.sign()), `${url}/me`)).toEqual({ kind: 'try_later', retryAfterSeconds: 5 });
  });
});
