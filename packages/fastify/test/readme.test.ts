import { readdirSync, readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { app as authorizationApp } from './snippets/authorization.js';
import { app as protectApp } from './snippets/protect.js';
import { app as routeConfigApp } from './snippets/route-config.js';
import { app as scopedApp } from './snippets/scoped.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const snippetFolder = new URL('./snippets/', import.meta.url);
const snippets = readdirSync(snippetFolder).map((file) => readFileSync(new URL(file, snippetFolder), 'utf8'));

function typeScriptBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```ts\n([^]*?)^```$/gm)].map((match) => match[1] ?? '');
}

afterAll(async () => {
  await Promise.all([authorizationApp, protectApp, routeConfigApp, scopedApp].map((app) => app.close()));
});

// Every request here carries no token, so no app fetches keys from the example issuer URLs.
async function statusOf(app: FastifyInstance, method: 'GET' | 'POST' | 'DELETE', url: string): Promise<number> {
  return (await app.inject({ method, url })).statusCode;
}

describe('README', () => {
  it.each(typeScriptBlocks(readme).map((block) => [block.split('\n')[0], block] as const))('ts block "%s" is a snippet', (_first, block) => {
    expect(snippets.some((snippet) => snippet.includes(block))).toBe(true);
  });

  it('protect example guards /me and /items', async () => {
    expect(await statusOf(protectApp, 'GET', '/health')).toBe(200);
    expect(await statusOf(protectApp, 'GET', '/me')).toBe(401);
    expect(await statusOf(protectApp, 'POST', '/items')).toBe(401);
  });

  it('scoped example guards only /admin', async () => {
    expect(await statusOf(scopedApp, 'GET', '/health')).toBe(200);
    expect(await statusOf(scopedApp, 'GET', '/admin/users')).toBe(401);
  });

  it('route config example has public, optional and scoped routes', async () => {
    expect(await statusOf(routeConfigApp, 'GET', '/catalog')).toBe(200);
    expect((await routeConfigApp.inject({ url: '/feed' })).json()).toEqual({ personal: false });
    expect(await statusOf(routeConfigApp, 'GET', '/reports')).toBe(401);
  });

  it('authorization example guards its routes', async () => {
    expect(await statusOf(authorizationApp, 'DELETE', '/items/1')).toBe(401);
    expect(await statusOf(authorizationApp, 'GET', '/tenant')).toBe(401);
    expect(await statusOf(authorizationApp, 'GET', '/verified')).toBe(401);
  });
});
