import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latchkey as expressLatchkey, requireScopes } from '@latchkey/express';
import { latchkey as fastifyLatchkey } from '@latchkey/fastify';
import {
  type ConformanceAppOptions,
  type ConformanceResponse,
  type ConformanceSetup,
  conformanceTable,
  sendConformanceRequest,
  startConformanceSetup,
} from '@latchkey/test-fixtures';

type KeySource = 'available' | 'unavailable';

// Both apps send the same JSON on success, so the 200 rows compare byte for byte too.
function expressApp(options: ConformanceAppOptions): express.Express {
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
  return app;
}

async function fastifyApp(options: ConformanceAppOptions): Promise<FastifyInstance> {
  const app = Fastify();
  await app.register(fastifyLatchkey, options);

  app.get('/public', { config: { auth: false } }, async () => ({ public: true }));
  app.get('/protected', async (request) => ({ sub: request.auth?.claims.sub }));
  app.get('/scoped', { config: { scopes: 'write:items' } }, async (request) => ({ sub: request.auth?.claims.sub }));
  return app;
}

function listenExpress(app: express.Express): Promise<{ url: string; server: Server }> {
  return new Promise((resolve, reject) => {
    const server = app.listen(0, '127.0.0.1', (error) => {
      if (error) return reject(error);
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server });
    });
  });
}

let setup: ConformanceSetup;
const servers: Server[] = [];
const fastifyApps: FastifyInstance[] = [];
const expressUrls: Record<KeySource, string> = { available: '', unavailable: '' };
const fastifyUrls: Record<KeySource, string> = { available: '', unavailable: '' };

beforeAll(async () => {
  setup = await startConformanceSetup();

  for (const [keySource, options] of [['available', setup.options], ['unavailable', setup.unavailableOptions]] as const) {
    const { url, server } = await listenExpress(expressApp(options));
    servers.push(server);
    expressUrls[keySource] = url;

    const app = await fastifyApp(options);
    fastifyApps.push(app);
    fastifyUrls[keySource] = await app.listen({ port: 0, host: '127.0.0.1' });
  }
});

afterAll(async () => {
  for (const server of servers) server.closeAllConnections();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  await Promise.all(fastifyApps.map((app) => app.close()));
  await setup.close();
});

function header(response: ConformanceResponse, name: string): string | string[] | undefined {
  return response.headers[name];
}

describe('Express and Fastify responses', () => {
  it.each(conformanceTable.map((row) => [row.name, row] as const))('%s', async (_name, row) => {
    const keySource = row.keySource ?? 'available';
    const fromExpress = await sendConformanceRequest(expressUrls[keySource], row, setup.tokens);
    const fromFastify = await sendConformanceRequest(fastifyUrls[keySource], row, setup.tokens);

    expect(fromExpress.status, 'Express status').toBe(row.expected.status);
    expect(fromFastify.status, 'status').toBe(fromExpress.status);
    expect(fromFastify.body, 'body').toBe(fromExpress.body);
    expect(header(fromFastify, 'content-type'), 'content-type').toBe(header(fromExpress, 'content-type'));
    if (row.expected.status === 200) return;

    expect(header(fromFastify, 'www-authenticate'), 'www-authenticate').toBe(header(fromExpress, 'www-authenticate'));
    expect(header(fromFastify, 'www-authenticate'), 'www-authenticate').toBe(row.expected.wwwAuthenticate ?? undefined);
    expect(header(fromFastify, 'cache-control'), 'cache-control').toBe(header(fromExpress, 'cache-control'));
    expect(header(fromFastify, 'retry-after') !== undefined, 'retry-after present').toBe(header(fromExpress, 'retry-after') !== undefined);
  });
});
