import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify from 'fastify';
import { expect } from 'vitest';
import { latchkey as expressLatchkey, requireScopes } from '@latchkey/express';
import { latchkey as fastifyLatchkey } from '@latchkey/fastify';
import type { ConformanceAppOptions, ConformanceResponse, ConformanceRow, ConformanceSetup } from '@latchkey/test-fixtures';

/** An app under test, listening on 127.0.0.1. */
export interface RunningApp {
  url: string;
  close(): Promise<void>;
}

/** The URL of each app an adapter runs the table against: one per key-source state. */
export type AppUrls = Record<'available' | 'unavailable', string>;

/** Starts the Express conformance app. Both adapters return the same JSON for 200 rows. */
export async function startExpressApp(options: ConformanceAppOptions): Promise<RunningApp> {
  const app = express();
  const authenticate = expressLatchkey(options);

  app.get('/public', (_request, response) => {
    response.json({ public: true });
  });
  app.get('/protected', authenticate, (request, response) => {
    response.json({ sub: request.auth?.claims.sub });
  });
  app.get('/scoped', authenticate, requireScopes('write:items'), (request, response) => {
    response.json({ sub: request.auth?.claims.sub });
  });

  const server = await new Promise<ReturnType<typeof app.listen>>((resolve, reject) => {
    const listening = app.listen(0, '127.0.0.1', (error) => (error ? reject(error) : resolve(listening)));
  });
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close };
}

/** Starts the Fastify conformance app, with the routes declared through route config. */
export async function startFastifyApp(options: ConformanceAppOptions): Promise<RunningApp> {
  const app = Fastify();
  await app.register(fastifyLatchkey, options);

  app.get('/public', { config: { auth: false } }, async () => ({ public: true }));
  app.get('/protected', async (request) => ({ sub: request.auth?.claims.sub }));
  app.get('/scoped', { config: { scopes: 'write:items' } }, async (request) => ({ sub: request.auth?.claims.sub }));

  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, close: () => app.close() };
}

/** Starts one app per key-source state and returns their URLs and a function closing both. */
export async function startAppPair(setup: ConformanceSetup, start: (options: ConformanceAppOptions) => Promise<RunningApp>): Promise<{ urls: AppUrls; close(): Promise<void> }> {
  const available = await start(setup.options);
  const unavailable = await start(setup.unavailableOptions);

  return {
    urls: { available: available.url, unavailable: unavailable.url },
    close: async () => {
      await Promise.all([available.close(), unavailable.close()]);
    },
  };
}

/** Asserts that a response meets a row's contract: status, challenge, problem body and headers. */
export function expectContract(response: ConformanceResponse, row: ConformanceRow): void {
  expect(response.status).toBe(row.expected.status);
  expect(response.headers['www-authenticate']).toBe(row.expected.wwwAuthenticate ?? undefined);

  if (row.expected.code === null) {
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    return;
  }
  const body = JSON.parse(response.body) as Record<string, unknown>;
  expect(body['code']).toBe(row.expected.code);
  expect(body['status']).toBe(row.expected.status);
  expect(response.headers['content-type']).toBe('application/problem+json');
  expect(response.headers['cache-control']).toBe('no-store');
  if (row.expected.retryAfter === true) expect(response.headers['retry-after']).toMatch(/^[1-9]\d*$/);
}
