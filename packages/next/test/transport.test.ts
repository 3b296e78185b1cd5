import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NextRequest } from 'next/server.js';
import { createLatchkey } from '@latchkey/next';
import { createTokenFactory, generateTestKey, startIssuer, type LocalIssuer } from '@latchkey/test-fixtures';

let issuer: LocalIssuer;
let token: string;

beforeAll(async () => {
  const key = await generateTestKey('RS256');
  issuer = await startIssuer({ keys: [key] });
  token = await createTokenFactory({ issuer: issuer.issuer, audience: 'https://api.example.com', key }).sign();
});

afterAll(async () => {
  await issuer.close();
});

describe('requireHttps in route handlers', () => {
  function handler() {
    const latchkey = createLatchkey({ issuer: issuer.issuer, audience: 'https://api.example.com', jwksUri: issuer.jwksUri, requireHttps: true, jwksCache: { cooldown: 0 } });
    return latchkey.withAuth(async (_request, { auth }) => Response.json({ sub: auth.claims.sub }));
  }

  async function send(url: string, headers: Record<string, string> = {}): Promise<Response> {
    return handler()(new NextRequest(url, { headers: { authorization: `Bearer ${token}`, ...headers } }), { params: Promise.resolve({}) } as never);
  }

  it('accepts https requests', async () => {
    expect((await send('https://api.example.com/api/items')).status).toBe(200);
  });

  it('accepts https forwarded by a proxy', async () => {
    expect((await send('http://api.example.com/api/items', { 'x-forwarded-proto': 'https' })).status).toBe(200);
  });

  it('rejects plain http on a public host', async () => {
    const response = await send('http://api.example.com/api/items');

    expect(response.status).toBe(400);
    expect((await response.json()).code).toBe('credentials_insecure');
  });

  it('accepts plain http on a loopback host', async () => {
    expect((await send('http://127.0.0.1:3000/api/items')).status).toBe(200);
  });
});
