import { NextRequest } from 'next/server.js';
import { createTokenFactory, generateTestKey, type LocalIssuer, startIssuer, type TokenFactory } from '@latchkey/test-fixtures';
import { createLatchkey, type LatchkeyNextOptions, type NextLatchkey } from '@latchkey/next';

export const AUDIENCE = 'https://api.example.com';
export const APP_ORIGIN = 'https://app.example.com';
export const COOKIE = '__Host-lk_at';

/** A local issuer on 127.0.0.1 and a token factory for it. */
export interface IssuerSetup {
  issuer: LocalIssuer;
  tokens: TokenFactory;
  options: { issuer: string; audience: string; jwksUri: string };
  close(): Promise<void>;
}

export async function startIssuerSetup(): Promise<IssuerSetup> {
  const key = await generateTestKey('RS256');
  const issuer = await startIssuer({ keys: [key] });
  const tokens = createTokenFactory({ issuer: issuer.issuer, audience: AUDIENCE, key });
  return { issuer, tokens, options: { issuer: issuer.issuer, audience: AUDIENCE, jwksUri: issuer.jwksUri }, close: () => issuer.close() };
}

/**
 * Creates a latchkey with the example app's settings: `/` and `/sign-in` public, `/api/*` answered with status codes,
 * and `write:items` needed to POST to `/api/items`.
 */
export function createAppLatchkey(setup: IssuerSetup, overrides: Partial<LatchkeyNextOptions> = {}): NextLatchkey {
  return createLatchkey({
    ...setup.options,
    publicPaths: ['/', '/favicon.ico'],
    scopeRules: [{ path: '/api/items', methods: ['POST'], scopes: 'write:items' }],
    ...overrides,
  } as LatchkeyNextOptions);
}

/** Header lines; a name given twice is sent twice, as Fetch joins them. */
export type HeaderLines = ReadonlyArray<readonly [string, string]>;

/** A NextRequest for the app origin, as Next.js hands it to a proxy or route handler. */
export function nextRequest(path: string, init: { method?: string; headers?: HeaderLines | Record<string, string>; body?: string } = {}): NextRequest {
  const headers = new Headers();
  const lines = Array.isArray(init.headers) ? init.headers : Object.entries(init.headers ?? {});
  for (const [name, value] of lines) headers.append(name, value);
  if (!headers.has('host')) headers.set('host', new URL(APP_ORIGIN).host);

  return new NextRequest(new URL(path, APP_ORIGIN), { method: init.method ?? 'GET', headers, ...(init.body === undefined ? {} : { body: init.body }) });
}

/** Headers of a browser's top-level navigation. */
export const DOCUMENT_HEADERS = { accept: 'text/html,application/xhtml+xml', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document', 'sec-fetch-site': 'none' } as const;

/** Tells whether the proxy let the request through to the app. */
export function passedThrough(response: Response): boolean {
  return response.headers.get('x-middleware-next') === '1';
}

/** Returns the request headers the proxy hands to the app, or undefined when it did not change them. */
export function forwardedRequestHeaders(response: Response): Record<string, string> | undefined {
  const names = response.headers.get('x-middleware-override-headers');
  if (names === null) return undefined;

  const forwarded: Record<string, string> = {};
  for (const name of names.split(',')) {
    const value = response.headers.get(`x-middleware-request-${name}`);
    if (value !== null) forwarded[name] = value;
  }
  return forwarded;
}

export async function problemCode(response: Response): Promise<unknown> {
  const body = (await response.clone().json()) as Record<string, unknown>;
  return body['code'];
}
