import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latchkey } from '@latchkey/fastify';
import {
  type ConformanceAppOptions,
  type ConformanceSetup,
  conformanceTable,
  sendConformanceRequest,
  startConformanceSetup,
} from '@latchkey/test-fixtures';

async function fastifyApp(options: ConformanceAppOptions): Promise<FastifyInstance> {
  const app = Fastify();
  await app.register(latchkey, options);

  app.get('/public', { config: { auth: false } }, async () => ({ public: true }));
  app.get('/protected', async (request) => ({ sub: request.auth?.claims.sub }));
  app.get('/scoped', { config: { scopes: 'write:items' } }, async (request) => ({ sub: request.auth?.claims.sub }));
  return app;
}

let setup: ConformanceSetup;
const apps: FastifyInstance[] = [];
const urls: Record<'available' | 'unavailable', string> = { available: '', unavailable: '' };

beforeAll(async () => {
  setup = await startConformanceSetup();
  const available = await fastifyApp(setup.options);
  const unavailable = await fastifyApp(setup.unavailableOptions);
  apps.push(available, unavailable);
  urls.available = await available.listen({ port: 0, host: '127.0.0.1' });
  urls.unavailable = await unavailable.listen({ port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await Promise.all(apps.map((app) => app.close()));
  await setup.close();
});

describe('Fastify conformance', () => {
  it.each(conformanceTable.map((row) => [row.name, row] as const))('%s', async (_name, row) => {
    const response = await sendConformanceRequest(urls[row.keySource ?? 'available'], row, setup.tokens);

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
  });
});
