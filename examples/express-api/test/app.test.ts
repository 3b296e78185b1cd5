import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenFactory, generateTestKey, type LocalIssuer, startIssuer, type TokenFactory } from '@latchkey/test-fixtures';
import { createApp } from '../src/app.js';
import { closeServer, listen } from './helpers.js';

const audience = 'https://api.example.com';

let issuer: LocalIssuer;
let tokens: TokenFactory;
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  const key = await generateTestKey('ES256');
  issuer = await startIssuer({ keys: [key] });
  tokens = createTokenFactory({ issuer: issuer.issuer, audience, key });

  const started = await listen(createApp({ issuer: issuer.issuer, audience, jwksUri: issuer.jwksUri }));
  server = started.server;
  baseUrl = started.url;
});

afterAll(async () => {
  if (server !== undefined) await closeServer(server);
  await issuer?.close();
});

function get(path: string, token?: string): Promise<Response> {
  const headers: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
  return fetch(`${baseUrl}${path}`, { headers });
}

function postItem(token: string, body: unknown): Promise<Response> {
  return fetch(`${baseUrl}/items`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

async function problemCode(response: Response): Promise<unknown> {
  const body = (await response.json()) as Record<string, unknown>;
  return body['code'];
}

describe('GET /public', () => {
  it('returns 200 without a token', async () => {
    const response = await get('/public');

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ message: 'This route needs no token.' });
  });
});

describe('GET /me', () => {
  it('rejects a request without a token', async () => {
    const response = await get('/me');

    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="api"');
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(await problemCode(response)).toBe('credentials_missing');
  });

  it('returns sub and scopes of a valid token', async () => {
    const response = await get('/me', await tokens.preset('valid'));

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ sub: 'user-123', scopes: ['read:items'] });
  });

  it('rejects an expired token', async () => {
    const response = await get('/me', await tokens.preset('expired'));

    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="api", error="invalid_token"/);
    expect(await problemCode(response)).toBe('token_expired');
  });
});

describe('GET /items', () => {
  it('rejects a token without read:items', async () => {
    const response = await get('/items', await tokens.sign({ claims: { scope: 'profile' } }));

    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
    expect(response.headers.get('www-authenticate')).toContain('scope="read:items"');
    expect(await problemCode(response)).toBe('scope_insufficient');
  });

  it('lists items for a token with read:items', async () => {
    const response = await get('/items', await tokens.preset('valid'));

    expect(response.status).toBe(200);
    expect(await response.json()).toHaveProperty('items');
  });
});

describe('POST /items', () => {
  it('creates an item for a token with write:items', async () => {
    const token = await tokens.preset('withWriteScope');

    const created = await postItem(token, { name: 'Notebook' });
    expect(created.status).toBe(201);
    const item = (await created.json()) as Record<string, unknown>;
    expect(item).toEqual({ id: expect.any(Number), name: 'Notebook', createdBy: 'user-123' });

    const listed = (await (await get('/items', token)).json()) as { items: unknown[] };
    expect(listed.items).toContainEqual(item);
  });

  it('rejects a token without write:items', async () => {
    const response = await postItem(await tokens.preset('valid'), { name: 'Notebook' });

    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toContain('scope="write:items"');
    expect(await problemCode(response)).toBe('scope_insufficient');
  });

  it('rejects a body without a name', async () => {
    const token = await tokens.preset('withWriteScope');

    for (const body of [{}, { name: '  ' }, { name: 42 }, ['Notebook'], 'Notebook']) {
      const response = await postItem(token, body);
      expect(response.status, `body ${JSON.stringify(body)}`).toBe(400);
    }
  });

  it('rejects a request without a token before reading the body', async () => {
    const response = await fetch(`${baseUrl}/items`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{not json' });

    expect(response.status).toBe(401);
    expect(await problemCode(response)).toBe('credentials_missing');
  });
});
