import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latchkey, requireScopes } from '@latchkey/express';
import {
  type ConformanceAppOptions,
  type ConformanceSetup,
  conformanceTable,
  sendConformanceRequest,
  startConformanceSetup,
} from '@latchkey/test-fixtures';

function expressApp(options: ConformanceAppOptions) {
  const app = express();
  const authenticate = latchkey(options);

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

async function listen(app: express.Express): Promise<{ url: string; server: Server }> {
  return new Promise((resolve) => {
    const server = app.listen(0, '127.0.0.1', () => {
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server });
    });
  });
}

let setup: ConformanceSetup;
const servers: Server[] = [];
const urls: Record<'available' | 'unavailable', string> = { available: '', unavailable: '' };

beforeAll(async () => {
  setup = await startConformanceSetup();
  const available = await listen(expressApp(setup.options));
  const unavailable = await listen(expressApp(setup.unavailableOptions));
  servers.push(available.server, unavailable.server);
  urls.available = available.url;
  urls.unavailable = unavailable.url;
});

afterAll(async () => {
  for (const server of servers) server.closeAllConnections();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  await setup.close();
});

describe('Express conformance', () => {
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
