import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latchkey as expressLatchkey, requireScopes } from '@latchkey/express';
import { createLatchkey, type NextLatchkey } from '@latchkey/next';
import {
  type ConformanceAppOptions,
  type ConformanceResponse,
  type ConformanceRow,
  type ConformanceSetup,
  type ConformanceTokens,
  conformanceTable,
  sendConformanceRequest,
  startConformanceSetup,
} from '@latchkey/test-fixtures';

type KeySource = 'available' | 'unavailable';
type Route = (request: Request) => Promise<Response>;

/**
 * The conformance app as Next.js runs it: the proxy first, then the route handler of the path,
 * each wrapped with `withAuth`. `/public` is public in the proxy and has no wrapper.
 */
interface NextApp {
  viaProxy: Route;
  routeOnly: Route;
}

function nextApp(options: ConformanceAppOptions): NextApp {
  const auth: NextLatchkey = createLatchkey({ ...options, publicPaths: ['/public'], apiPaths: ['/*'] });
  const context = { params: Promise.resolve({}) };

  const routes: Record<string, Route> = {
    '/public': async () => Response.json({ public: true }),
    '/protected': (request) => auth.withAuth(async (_request, { auth: user }) => Response.json({ sub: user.claims.sub }))(request, context),
    '/scoped': (request) => auth.withAuth(async (_request, { auth: user }) => Response.json({ sub: user.claims.sub }), { scopes: 'write:items' })(request, context),
  };
  const routeOnly: Route = (request) => (routes[new URL(request.url).pathname] as Route)(request);

  const viaProxy: Route = async (request) => {
    const proxied = await auth.proxy(request);
    return proxied.headers.get('x-middleware-next') === '1' ? routeOnly(request) : proxied;
  };
  return { viaProxy, routeOnly };
}

/** Builds a Fetch request, which the adapter accepts besides NextRequest. Fetch joins repeated header lines. */
function toRequest(row: ConformanceRow, tokens: ConformanceTokens): Request {
  const headers = new Headers();
  for (const [name, value] of row.headers(tokens)) headers.append(name, value);
  return new Request(new URL(row.path, 'http://127.0.0.1'), { headers });
}

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

function listen(app: express.Express): Promise<{ url: string; server: Server }> {
  return new Promise((resolve, reject) => {
    const server = app.listen(0, '127.0.0.1', (error) => {
      if (error) return reject(error);
      resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server });
    });
  });
}

let setup: ConformanceSetup;
const servers: Server[] = [];
const expressUrls: Record<KeySource, string> = { available: '', unavailable: '' };
const nextApps = {} as Record<KeySource, NextApp>;

beforeAll(async () => {
  setup = await startConformanceSetup();

  for (const [keySource, options] of [['available', setup.options], ['unavailable', setup.unavailableOptions]] as const) {
    const { url, server } = await listen(expressApp(options));
    servers.push(server);
    expressUrls[keySource] = url;
    nextApps[keySource] = nextApp(options);
  }
});

afterAll(async () => {
  for (const server of servers) server.closeAllConnections();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  await setup.close();
});

function expectSameAsExpress(fromNext: Response, body: string, fromExpress: ConformanceResponse, row: ConformanceRow): void {
  expect(fromExpress.status, 'Express status').toBe(row.expected.status);
  expect(fromNext.status, 'status').toBe(fromExpress.status);
  expect(body, 'body').toBe(fromExpress.body);
  if (row.expected.status === 200) return;

  expect(fromNext.headers.get('www-authenticate') ?? undefined, 'www-authenticate').toBe(fromExpress.headers['www-authenticate']);
  expect(fromNext.headers.get('www-authenticate'), 'www-authenticate').toBe(row.expected.wwwAuthenticate);
  expect(fromNext.headers.get('content-type'), 'content-type').toBe(fromExpress.headers['content-type']);
  expect(fromNext.headers.get('cache-control'), 'cache-control').toBe(fromExpress.headers['cache-control']);
  expect(fromNext.headers.get('retry-after') !== null, 'retry-after present').toBe(fromExpress.headers['retry-after'] !== undefined);
  expect(fromNext.headers.get('location'), 'location').toBeNull();
}

describe.each([
  ['proxy, then route handler', 'viaProxy'],
  ['route handler without the proxy', 'routeOnly'],
] as const)('Next.js conformance: %s', (_name, mode) => {
  it.each(conformanceTable.map((row) => [row.name, row] as const))('%s', async (_rowName, row) => {
    const keySource = row.keySource ?? 'available';
    const fromNext = await nextApps[keySource][mode](toRequest(row, setup.tokens));
    const fromExpress = await sendConformanceRequest(expressUrls[keySource], row, setup.tokens);

    expectSameAsExpress(fromNext, await fromNext.text(), fromExpress, row);
  });
});
