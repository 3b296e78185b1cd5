import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A response as the test cache stored it. */
interface StoredResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A shared cache in front of the app, as a CDN that leaves cookies and Authorization out of its key. */
export interface TestSharedCache {
  url: string;
  /** Stored entries by `METHOD URL`. */
  readonly entries: ReadonlyMap<string, StoredResponse>;
  close(): Promise<void>;
}

/**
 * Starts a caching reverse proxy on 127.0.0.1 that stores a GET response whenever RFC 9111
 * would let a shared cache store it (`public`, `s-maxage` or `max-age`, and neither `private` nor
 * `no-store`; for a request with Authorization only with `public`, `s-maxage` or
 * `must-revalidate`, §3.5), and serves stored entries by method and URL alone.
 */
export async function startSharedCache(origin: string): Promise<TestSharedCache> {
  const entries = new Map<string, StoredResponse>();

  const server: Server = createServer((request, response) => {
    const key = `${request.method} ${request.url}`;
    const stored = entries.get(key);
    if (stored !== undefined) {
      response.writeHead(stored.status, { ...stored.headers, 'x-test-cache': 'HIT' }).end(stored.body);
      return;
    }

    const upstream = httpRequest(new URL(request.url ?? '/', origin), { method: request.method, headers: request.headers, agent: false }, (reply) => {
      const chunks: Buffer[] = [];
      reply.on('data', (chunk: Buffer) => chunks.push(chunk));
      reply.on('end', () => {
        const entry = { status: reply.statusCode ?? 502, headers: reply.headers, body: Buffer.concat(chunks) };
        if (request.method === 'GET' && sharedCacheMayStore(reply.headers['cache-control'], request.headers.authorization !== undefined)) entries.set(key, entry);
        response.writeHead(entry.status, { ...entry.headers, 'x-test-cache': 'MISS' }).end(entry.body);
      });
    });
    upstream.on('error', () => response.writeHead(502).end());
    request.pipe(upstream);
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    entries,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function sharedCacheMayStore(cacheControl: string | undefined, withAuthorization: boolean): boolean {
  const directives = (cacheControl ?? '').split(',').map((directive) => directive.trim().toLowerCase().split('=')[0]);
  if (directives.includes('no-store') || directives.includes('private')) return false;

  const explicitlyShared = directives.includes('public') || directives.includes('s-maxage');
  if (withAuthorization) return explicitlyShared || directives.includes('must-revalidate');
  return explicitlyShared || directives.includes('max-age');
}
