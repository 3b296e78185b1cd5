import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryRevocationStore, createRedisRevocationStore, type RevocationStore } from '@latchkey/core';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { createClient, type RedisClientType } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisServer, startRedisServer } from '../../../test/revocation/redis-server.js';
import { type RunningApi, startExpressApi, startFastifyApi } from '../src/apis.js';
import { type NextProcess, runNext } from '../src/next-process.js';
import { DEFAULT_AUDIENCE, jwksUrlOf } from '../src/settings.js';
import { type AppSession, signInOverHttp } from './support/app-session.js';
import { decodeToken } from './support/better-auth-server.js';
import { callApi, freePort, withTimeout } from './support/network.js';

const BUILD_TIMEOUT = 8 * 60_000;
const START_TIMEOUT = 60_000;
const STEP_TIMEOUT = 60_000;

/** Access-token lifetime of the app under test, in seconds. The test waits for one token to expire. */
const TOKEN_LIFETIME = 10;

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

const user = { name: 'Ada Example', email: `ada-${randomUUID()}@example.com`, password: 'correct horse battery staple' };

let appUrl: string;
let next: NextProcess | undefined;
let redisServer: RedisServer | undefined;
let redis: RedisClientType | undefined;
let redisStore: RevocationStore;
let profile: string;
let dataDir: string;
let browser: Browser | undefined;
/** The pair the browser calls: both APIs share the Redis store. */
const sharedApis: RunningApi[] = [];
/** A second pair, each API with its own in-memory store. */
const memoryApis: RunningApi[] = [];

beforeAll(async () => {
  const appPort = await freePort();
  appUrl = `http://127.0.0.1:${appPort}`;
  dataDir = mkdtempSync(join(tmpdir(), 'latchkey-better-auth-'));
  profile = mkdtempSync(join(tmpdir(), 'latchkey-chromium-'));

  redisServer = await startRedisServer();
  redis = createClient({ url: redisServer.url });
  await redis.connect();
  redisStore = createRedisRevocationStore({ client: redis });

  const apiSettings = { issuer: appUrl, audience: DEFAULT_AUDIENCE, jwksUri: jwksUrlOf(appUrl), allowedOrigins: [appUrl] };
  sharedApis.push(await startExpressApi({ ...apiSettings, store: redisStore }), await startFastifyApi({ ...apiSettings, store: redisStore }));
  memoryApis.push(await startExpressApi({ ...apiSettings, store: createMemoryRevocationStore() }), await startFastifyApi({ ...apiSettings, store: createMemoryRevocationStore() }));

  const env = {
    BETTER_AUTH_URL: appUrl,
    BETTER_AUTH_SECRET: randomBytes(32).toString('base64url'),
    BETTER_AUTH_DATA_DIR: dataDir,
    ACCESS_TOKEN_LIFETIME: String(TOKEN_LIFETIME),
    EXPRESS_API_URL: apiUrl(sharedApis, 'express'),
    FASTIFY_API_URL: apiUrl(sharedApis, 'fastify'),
  };
  await buildApp(env);
  next = runNext(['start', '-H', '127.0.0.1', '-p', String(appPort)], env);
  await withTimeout(next.printed(/Ready in/), START_TIMEOUT, () => `next start did not become ready within ${START_TIMEOUT} ms.\n${next?.output()}`);

  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: [...CHROMIUM_ARGS, `--crash-dumps-dir=${profile}`] });
}, BUILD_TIMEOUT + START_TIMEOUT);

afterAll(async () => {
  await browser?.close();
  next?.stop();
  await next?.exited;
  await Promise.allSettled([...sharedApis, ...memoryApis].map((api) => api.close()));
  await redis?.close();
  await redisServer?.stop();
  for (const folder of [dataDir, profile]) {
    if (folder !== undefined) rmSync(folder, { recursive: true, force: true });
  }
}, START_TIMEOUT);

async function buildApp(env: Record<string, string>): Promise<void> {
  const build = runNext(['build'], env);
  const code = await withTimeout(build.exited, BUILD_TIMEOUT, () => `next build took longer than ${BUILD_TIMEOUT} ms.\n${build.output()}`).finally(build.stop);
  if (code !== 0) throw new Error(`next build failed with exit code ${String(code)}.\n${build.output()}`);
}

function apiUrl(apis: RunningApi[], name: RunningApi['name']): string {
  const api = apis.find((candidate) => candidate.name === name);
  if (api === undefined) throw new Error(`No ${name} API was started.`);
  return api.url;
}

/** What the browser sent to and received from the APIs and the token endpoint. */
interface Traffic {
  tokenRequests: number;
  apiStatuses: number[];
  /** Reads of request headers still running; await them before reading `lastToken`. */
  pending: Promise<void>[];
  lastToken: string | undefined;
}

function watchTraffic(page: Page): Traffic {
  const traffic: Traffic = { tokenRequests: 0, apiStatuses: [], pending: [], lastToken: undefined };
  const apiOrigins = new Set(sharedApis.map((api) => api.url));

  page.on('request', (request) => {
    if (request.url() === `${appUrl}/api/auth/token`) traffic.tokenRequests += 1;
    if (!apiOrigins.has(new URL(request.url()).origin) || request.method() === 'OPTIONS') return;

    const read = request.allHeaders().then((headers) => {
      const authorization = headers['authorization'];
      if (authorization !== undefined) traffic.lastToken = authorization.replace(/^Bearer /, '');
    });
    traffic.pending.push(read);
  });
  page.on('response', (response) => {
    if (apiOrigins.has(new URL(response.url()).origin) && response.request().method() !== 'OPTIONS') traffic.apiStatuses.push(response.status());
  });
  return traffic;
}

/** Returns the token of the last API request, once every header read has finished. */
async function lastToken(traffic: Traffic): Promise<string | undefined> {
  await Promise.all(traffic.pending);
  return traffic.lastToken;
}

async function text(page: Page, selector: string): Promise<string> {
  return (await page.textContent(selector)) ?? '';
}

async function waitForState(page: Page, state: string, timeout = STEP_TIMEOUT): Promise<void> {
  await page.waitForFunction((expected) => document.querySelector('#client-state')?.textContent === expected, state, { timeout });
}

/** Presses "Call both APIs" and returns each API's status and shown subject or code, once the round is shown. */
async function callBothApis(page: Page): Promise<Record<string, { status: string; shown: string }>> {
  const round = Number(await text(page, '#call-rounds'));
  await page.click('#call-apis');
  await page.waitForFunction((expected) => document.querySelector('#call-rounds')?.textContent === String(expected), round + 1, { timeout: STEP_TIMEOUT });

  const rows = await page.$$eval('#results tbody tr', (elements) =>
    elements.map((row) => ({ api: row.getAttribute('data-api') ?? '', status: row.getAttribute('data-status') ?? '', shown: row.lastElementChild?.textContent ?? '' })),
  );
  return Object.fromEntries(rows.map((row) => [row.api, { status: row.status, shown: row.shown }]));
}

async function fillAndSubmit(page: Page, fields: Record<string, string>): Promise<void> {
  for (const [id, value] of Object.entries(fields)) await page.fill(`#${id}`, value);
  await page.click('#submit');
  await page.waitForURL(`${appUrl}/dashboard`, { timeout: STEP_TIMEOUT });
}

describe('token lifecycle in Chromium', () => {
  let context: BrowserContext;
  let page: Page;
  let traffic: Traffic;
  let tokenBeforeSignOut: string | undefined;

  afterAll(async () => {
    await context?.close();
  });

  it('signs up through the sign-up page', async () => {
    const signUpContext = await browser!.newContext();
    const signUpPage = await signUpContext.newPage();
    await signUpPage.goto(`${appUrl}/sign-up`);

    await fillAndSubmit(signUpPage, { name: user.name, email: user.email, password: user.password });

    await waitForState(signUpPage, 'authenticated');
    await signUpContext.close();
  }, STEP_TIMEOUT);

  it('signs in and calls both APIs with 200', async () => {
    context = await browser!.newContext();
    page = await context.newPage();
    traffic = watchTraffic(page);
    await page.goto(`${appUrl}/sign-in`);

    await fillAndSubmit(page, { email: user.email, password: user.password });
    await waitForState(page, 'authenticated');
    const results = await callBothApis(page);

    expect(results['express']?.status).toBe('200');
    expect(results['fastify']?.status).toBe('200');
    expect(results['express']?.shown).toBe(decodeToken((await lastToken(traffic)) ?? '').payload['sub']);
    expect(results['fastify']?.shown).toBe(results['express']?.shown);
  }, STEP_TIMEOUT);

  it('refreshes an expired token with no failed call', async () => {
    const expiredToken = await lastToken(traffic);
    const tokenRequests = traffic.tokenRequests;

    // The one wait that real time must pass: the client marks its token expired at `exp`.
    await waitForState(page, 'expired', (TOKEN_LIFETIME + 10) * 1000);
    const results = await callBothApis(page);

    expect(results['express']?.status).toBe('200');
    expect(results['fastify']?.status).toBe('200');
    expect(traffic.tokenRequests - tokenRequests).toBe(1);
    expect(await lastToken(traffic)).not.toBe(expiredToken);
    expect(traffic.apiStatuses.every((status) => status === 200)).toBe(true);
    expect(await text(page, '#failed-calls')).toBe('0');
    expect(await text(page, '#client-state')).toBe('authenticated');
  }, STEP_TIMEOUT + TOKEN_LIFETIME * 1000);

  it('signs out and sees both APIs reject calls', async () => {
    tokenBeforeSignOut = await lastToken(traffic);
    await page.click('#sign-out');
    await page.waitForFunction(() => document.querySelector('#message')?.textContent?.startsWith('Signed out') === true, undefined, { timeout: STEP_TIMEOUT });
    await waitForState(page, 'signed_out');

    const results = await callBothApis(page);

    expect(results['express']).toEqual({ status: '401', shown: 'credentials_missing' });
    expect(results['fastify']).toEqual({ status: '401', shown: 'credentials_missing' });
    expect((await context.request.get(`${appUrl}/api/auth/token`)).status()).toBe(401);
  }, STEP_TIMEOUT);

  it('rejects the signed-out token at both APIs at once', async () => {
    expect(tokenBeforeSignOut).toBeDefined();

    for (const api of sharedApis) {
      expect(await callApi(`${api.url}/me`, tokenBeforeSignOut ?? ''), api.name).toEqual({ status: 401, code: 'token_revoked' });
    }
  }, STEP_TIMEOUT);
});

describe('revocation outside the browser', () => {
  let session: AppSession;

  beforeAll(async () => {
    session = await signInOverHttp(appUrl, user.email, user.password);
  }, STEP_TIMEOUT);

  it('revokes at once for both APIs through Redis', async () => {
    const token = await session.token();
    const [express, fastify] = sharedApis;

    expect(await callApi(`${fastify!.url}/me`, token)).toEqual({ status: 200, code: undefined });
    expect(await callApi(`${express!.url}/revoke`, token, 'POST')).toEqual({ status: 204, code: undefined });

    expect(await callApi(`${express!.url}/me`, token)).toEqual({ status: 401, code: 'token_revoked' });
    expect(await callApi(`${fastify!.url}/me`, token)).toEqual({ status: 401, code: 'token_revoked' });
  }, STEP_TIMEOUT);

  it('revokes at once per API with memory stores', async () => {
    const token = await session.token();
    const [express, fastify] = memoryApis;

    expect(await callApi(`${express!.url}/revoke`, token, 'POST')).toEqual({ status: 204, code: undefined });

    expect(await callApi(`${express!.url}/me`, token)).toEqual({ status: 401, code: 'token_revoked' });
    // Each in-memory store belongs to one process, so the other API still accepts the token.
    expect(await callApi(`${fastify!.url}/me`, token)).toEqual({ status: 200, code: undefined });

    expect(await callApi(`${fastify!.url}/revoke`, token, 'POST')).toEqual({ status: 204, code: undefined });
    expect(await callApi(`${fastify!.url}/me`, token)).toEqual({ status: 401, code: 'token_revoked' });
  }, STEP_TIMEOUT);

  it('signs a subject out everywhere through Redis', async () => {
    const older = await session.token();
    const subject = String(decodeToken(older).payload['sub']);

    const epoch = await redisStore.revokeSubject({ issuer: appUrl, subject });

    for (const api of sharedApis) {
      expect(await callApi(`${api.url}/me`, older), api.name).toEqual({ status: 401, code: 'token_revoked' });
    }

    // Tokens issued in the epoch's second are rejected too, so the next accepted one comes a second later.
    const newer = await tokenIssuedAfter(session, Math.floor(epoch));
    for (const api of sharedApis) {
      expect(await callApi(`${api.url}/me`, newer), api.name).toEqual({ status: 200, code: undefined });
    }
  }, STEP_TIMEOUT);
});

/** Requests tokens until one has `iat` after `second`, which takes at most about one second. */
async function tokenIssuedAfter(session: AppSession, second: number): Promise<string> {
  const deadline = Date.now() + 5000;

  while (Date.now() < deadline) {
    const token = await session.token();
    if (Number(decodeToken(token).payload['iat']) > second) return token;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`No token issued after ${second} arrived within 5 s.`);
}
