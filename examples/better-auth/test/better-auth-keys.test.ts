import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMemoryRevocationStore, createVerifier, type LatchkeyEvent, type LatchkeyError } from '@latchkey/core';
import { createTokenFactory, generateTestKey, startIssuer, type TestKey } from '@latchkey/test-fixtures';
import { jwt } from 'better-auth/plugins/jwt';
import { createApp } from '../../express-api/src/app.js';
import { buildApp } from '../../fastify-api/src/app.js';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type RunningApi, startExpressApi, startFastifyApi } from '../src/apis.js';
import { createAuthOptions, TOKEN_SCOPE } from '../src/auth-options.js';
import { DEFAULT_AUDIENCE } from '../src/settings.js';
import { type BaseAuthSettings, type BetterAuthServer, decodeToken, startBetterAuth } from './support/better-auth-server.js';

/** Better Auth with email and password and the jwt plugin, everything else at its defaults. */
function defaultBetterAuth(base: BaseAuthSettings, plugin = jwt()) {
  return { ...base, emailAndPassword: { enabled: true }, telemetry: { enabled: false }, plugins: [plugin] };
}

function exampleBetterAuth(base: BaseAuthSettings) {
  return createAuthOptions({ ...base, audience: DEFAULT_AUDIENCE, tokenLifetime: 300 });
}

const email = () => `user-${randomUUID()}@example.com`;

async function startApis(server: BetterAuthServer, audience: string): Promise<RunningApi[]> {
  const settings = { issuer: server.baseURL, audience, jwksUri: server.jwksUri, allowedOrigins: [] };
  return [await startExpressApi({ ...settings, store: createMemoryRevocationStore() }), await startFastifyApi({ ...settings, store: createMemoryRevocationStore() })];
}

async function callMe(api: RunningApi, token: string): Promise<{ status: number; challenge: string | null; code: unknown }> {
  const response = await fetch(`${api.url}/me`, { headers: { authorization: `Bearer ${token}` } });
  const body = (await response.json()) as Record<string, unknown>;
  return { status: response.status, challenge: response.headers.get('www-authenticate'), code: body['code'] };
}

/** Moves the Date of this process, which Better Auth and latchkey both read, forward. */
function advanceClock(ms: number): void {
  vi.setSystemTime(Date.now() + ms);
}

describe('Better Auth jwt plugin at its defaults', () => {
  let server: BetterAuthServer;
  let token: string;
  const apis: RunningApi[] = [];

  beforeAll(async () => {
    server = await startBetterAuth((base) => defaultBetterAuth(base));
    token = await server.token(await server.signUp(email()));
  });

  afterAll(async () => {
    await Promise.all(apis.map((api) => api.close()));
    await server?.close();
  });

  it('signs EdDSA tokens with a kid and no typ', () => {
    const { header } = decodeToken(token);

    expect(header['alg']).toBe('EdDSA');
    expect(typeof header['kid']).toBe('string');
    expect(header['typ']).toBeUndefined();
  });

  it('sets aud to its own base URL, like iss', () => {
    const { payload } = decodeToken(token);

    expect(payload['iss']).toBe(server.baseURL);
    expect(payload['aud']).toBe(server.baseURL);
    expect(payload['jti']).toBeUndefined();
    expect(payload['email']).toEqual(expect.stringContaining('@example.com'));
  });

  it('passes the default algorithm allowlist of both APIs', async () => {
    apis.push(...(await startApis(server, server.baseURL)));

    for (const api of apis) {
      expect(await callMe(api, token), api.name).toMatchObject({ status: 200 });
    }
  });

  it('fails an API that expects its own audience', async () => {
    const strict = await startApis(server, DEFAULT_AUDIENCE);
    apis.push(...strict);

    for (const api of strict) {
      const result = await callMe(api, token);
      expect(result.status, api.name).toBe(401);
      expect(result.challenge, api.name).toContain('error="invalid_token"');
      expect(result.code, api.name).toBe('audience_invalid');
    }
  });
});

describe('example Better Auth configuration', () => {
  let server: BetterAuthServer;
  let token: string;
  let apis: RunningApi[] = [];

  beforeAll(async () => {
    server = await startBetterAuth(exampleBetterAuth);
    token = await server.token(await server.signUp(email()));
    apis = await startApis(server, DEFAULT_AUDIENCE);
  });

  afterAll(async () => {
    await Promise.all(apis.map((api) => api.close()));
    await server?.close();
  });

  it('issues tokens for the API audience with scope and jti', () => {
    const { header, payload } = decodeToken(token);

    expect(header['alg']).toBe('EdDSA');
    expect(payload['iss']).toBe(server.baseURL);
    expect(payload['aud']).toBe(DEFAULT_AUDIENCE);
    expect(payload['scope']).toBe(TOKEN_SCOPE);
    expect(payload['jti']).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(payload['exp']) - Number(payload['iat'])).toBe(300);
  });

  it('keeps the user record out of the payload', () => {
    const { payload } = decodeToken(token);

    expect(Object.keys(payload).sort()).toEqual(['aud', 'exp', 'iat', 'iss', 'jti', 'scope', 'sub']);
  });

  it('passes both example APIs', async () => {
    for (const api of apis) {
      expect(await callMe(api, token), api.name).toMatchObject({ status: 200 });
    }
  });

  it('passes the example apps as they are', async () => {
    const options = { issuer: server.baseURL, audience: DEFAULT_AUDIENCE, jwksUri: server.jwksUri };
    const fastify = await buildApp(options);
    const express: Server = createApp(options).listen(0, '127.0.0.1');
    await new Promise((resolve) => express.once('listening', resolve));

    try {
      const fastifyUrl = await fastify.listen({ host: '127.0.0.1', port: 0 });
      const expressUrl = `http://127.0.0.1:${(express.address() as AddressInfo).port}`;

      for (const url of [expressUrl, fastifyUrl]) {
        const response = await fetch(`${url}/items`, { headers: { authorization: `Bearer ${token}` } });
        expect(response.status, url).toBe(200);
      }
    } finally {
      await fastify.close();
      express.closeAllConnections();
      await new Promise((resolve) => express.close(resolve));
    }
  });
});

describe('signing keys over time', () => {
  const servers: BetterAuthServer[] = [];

  beforeAll(() => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
  });

  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  afterAll(() => {
    vi.useRealTimers();
  });

  /** Requests 20 tokens 2 s apart and verifies each once, as a client using each token once would. */
  async function twentyTokens(server: BetterAuthServer) {
    const events: LatchkeyEvent[] = [];
    const verifier = createVerifier({ issuer: server.baseURL, audience: DEFAULT_AUDIENCE, jwksUri: server.jwksUri, clock: () => Date.now(), onEvent: (event) => events.push(event) });
    const cookie = await server.signUp(email());
    const kids: unknown[] = [];
    const outcomes: string[] = [];

    for (let index = 0; index < 20; index += 1) {
      advanceClock(2000);
      const token = await server.token(cookie);
      kids.push(decodeToken(token).header['kid']);
      outcomes.push(await verifier.verify(token).then(() => 'ok', (error: LatchkeyError) => `${error.status} ${error.code}`));
    }
    return { kids, outcomes, events };
  }

  it('keeps one kid and one JWKS fetch with the example rotation', async () => {
    const server = await startBetterAuth(exampleBetterAuth);
    servers.push(server);

    const { kids, outcomes } = await twentyTokens(server);

    expect(new Set(kids).size).toBe(1);
    expect(outcomes).toEqual(Array(20).fill('ok'));
    expect(server.jwksRequests()).toBe(1);
  });

  it('fetches at most once per cooldown under kid churn', async () => {
    // A one-second rotation gives every token 2 s apart a new key, as some releases did by default.
    const churning = (base: BaseAuthSettings) => defaultBetterAuth(base, jwt({ jwks: { rotationInterval: 1 }, jwt: { audience: DEFAULT_AUDIENCE } }));
    const server = await startBetterAuth(churning);
    servers.push(server);

    const { kids, outcomes, events } = await twentyTokens(server);
    const failures = outcomes.filter((outcome) => outcome !== 'ok');

    expect(new Set(kids).size).toBe(20);
    expect(server.jwksRequests()).toBeLessThanOrEqual(2);
    expect(outcomes[0]).toBe('ok');
    expect(new Set(failures)).toEqual(new Set(['401 key_not_found']));
    expect(events.filter((event) => event.type === 'jwks_cooldown')).toHaveLength(failures.length);
  });
});

describe('key sets without kid', () => {
  const audience = DEFAULT_AUDIENCE;
  let now = Date.now();

  function withoutKid(key: TestKey) {
    const { kid: _kid, ...jwk } = key.publicJwk;
    return jwk;
  }

  it('verifies with either of two kid-less EdDSA keys', async () => {
    const [first, second, unpublished] = await Promise.all([generateTestKey('EdDSA'), generateTestKey('EdDSA'), generateTestKey('EdDSA')]);
    const issuer = await startIssuer({ keys: [] });
    issuer.setJwks({ keys: [withoutKid(first)] });

    try {
      const verifier = createVerifier({ issuer: issuer.issuer, audience, jwksUri: issuer.jwksUri, clock: () => now, tokenCache: false });
      const factory = createTokenFactory({ issuer: issuer.issuer, audience, key: first, now: () => Math.floor(now / 1000) });
      const sign = (key: TestKey) => factory.sign({ key, header: { kid: undefined } });
      const outcome = async (key: TestKey) => verifier.verify(await sign(key)).then(() => 'ok', (error: LatchkeyError) => `${error.status} ${error.code}`);

      expect(await outcome(first)).toBe('ok');
      expect(issuer.requests.jwks).toBe(1);

      // The issuer adds a second kid-less key, and the verifier fetches it once its cached set expires (600 s).
      issuer.setJwks({ keys: [withoutKid(first), withoutKid(second)] });
      now += 601_000;

      expect(await outcome(second)).toBe('ok');
      expect(await outcome(first)).toBe('ok');
      expect(await outcome(unpublished)).toBe('401 signature_invalid');
      expect(issuer.requests.jwks).toBe(2);
    } finally {
      await issuer.close();
    }
  });
});
