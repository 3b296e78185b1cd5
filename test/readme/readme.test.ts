import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type ConfigurationError, createVerifier } from '@latchkey/core';
import { createTokenFactory, generateTestKeys, toJwks, unsignedToken } from '@latchkey/test-fixtures';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { handle } from './snippets/core-verify.js';
import { app as expressReadmeApp } from './snippets/express-app.js';
import { app as expressRoutesApp } from './snippets/express-routes.js';
import { app as oneLineApp } from './snippets/root-one-line.js';
import { authorizeWrite } from './snippets/core-authorization.js';
import { discovered } from './snippets/core-discovery.js';
import { perTenant } from './snippets/core-issuer-resolver.js';
import { multiIssuer } from './snippets/core-several-issuers.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** READMEs whose TypeScript snippets must each appear verbatim in a file that tests compile and run. */
const readmes = ['README.md', 'packages/core/README.md', 'packages/express/README.md', 'examples/express-api/README.md'];

/** Files that hold README snippets: the snippet folder here and the example apps' sources. */
function snippetSources(): string[] {
  const folders = [join(root, 'test/readme/snippets'), ...readdirSync(join(root, 'examples')).map((name) => join(root, 'examples', name, 'src'))];
  return folders.filter(existsSync).flatMap((folder) => readdirSync(folder).map((file) => readFileSync(join(folder, file), 'utf8')));
}

function typescriptBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');
}

describe('README snippets', () => {
  const sources = snippetSources();

  for (const readme of readmes.filter((path) => existsSync(join(root, path)))) {
    it.each(typescriptBlocks(readFileSync(join(root, readme), 'utf8')).map((block, index) => [readme, index + 1, block] as const))(
      '%s block %i is compiled by a test',
      (_readme, _index, block) => {
        expect(sources.some((source) => source.includes(block.trim()))).toBe(true);
      },
    );
  }
});

describe('core README examples', () => {
  it('answers a request without a token with a bare challenge', async () => {
    const response = await handle(new Request('http://127.0.0.1/items'));

    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="api"');
    expect(response.headers.get('content-type')).toBe('application/problem+json');
  });

  it('answers a token of another issuer without fetching keys', async () => {
    const keys = await generateTestKeys();
    const token = await createTokenFactory({ issuer: 'https://other.example.com/', audience: 'https://api.example.com', key: keys.rsa }).sign();

    const response = await handle(new Request('http://127.0.0.1/items', { headers: { authorization: `Bearer ${token}` } }));

    expect(response.status).toBe(401);
    expect((await response.json()).code).toBe('issuer_invalid');
  });

  it('answers an unsigned token as invalid', async () => {
    const token = unsignedToken({ alg: 'none' }, { iss: 'https://auth.example.com/' });

    const response = await handle(new Request('http://127.0.0.1/items', { headers: { authorization: `Bearer ${token}` } }));

    expect((await response.json()).code).toBe('algorithm_not_allowed');
  });

  it('prints the documented configuration error', () => {
    const readme = readFileSync(join(root, 'packages/core/README.md'), 'utf8');
    const documented = /```text\n(latchkey: option "issuer"[^\n]*)\n```/.exec(readme)?.[1];

    let message = '';
    try {
      createVerifier({ audience: 'https://api.example.com', jwksUri: 'https://auth.example.com/.well-known/jwks.json' } as never);
    } catch (error) {
      message = (error as ConfigurationError).message;
    }
    expect(message).toBe(documented);
  });

  it('builds the discovery and multi-issuer verifiers', () => {
    expect(discovered.config.issuers).toMatchObject({ kind: 'list', entries: [{ keySource: { kind: 'discovery' } }] });
    expect(multiIssuer.config.issuers).toMatchObject({ kind: 'list', entries: [{ issuer: ['https://auth.example.com/'] }, { algorithms: ['ES256'] }] });
  });

  it('rejects an unknown tenant through the resolver', async () => {
    const keys = await generateTestKeys();
    const token = await createTokenFactory({ issuer: 'https://unknown.auth.example.com/', audience: 'https://api.example.com', key: keys.rsa }).sign();

    await expect(perTenant.verify(token)).rejects.toMatchObject({ code: 'issuer_invalid' });
  });

  it('runs the authorization helpers', async () => {
    const keys = await generateTestKeys();
    const factory = createTokenFactory({ issuer: 'https://auth.example.com/', audience: 'https://api.example.com', key: keys.rsa });
    const verifier = createVerifier({ issuer: 'https://auth.example.com/', audience: 'https://api.example.com', jwks: toJwks([keys.rsa]) });

    const allowed = await verifier.verify(await factory.sign({ claims: { scope: 'write:items', tenant_id: 'acme' } }));
    const otherTenant = await verifier.verify(await factory.sign({ claims: { scope: 'write:items', tenant_id: 'globex' } }));
    const readOnly = await verifier.verify(await factory.sign({ claims: { tenant_id: 'acme' } }));

    expect(() => authorizeWrite(allowed)).not.toThrow();
    expect(() => authorizeWrite(otherTenant)).toThrow(expect.objectContaining({ code: 'claims_insufficient', status: 403 }));
    expect(() => authorizeWrite(readOnly)).toThrow(expect.objectContaining({ code: 'scope_insufficient', status: 403 }));
  });
});

async function withServer(app: Express, run: (url: string) => Promise<void>): Promise<void> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

describe('Express README examples', () => {
  it('protects every route with the one-line setup', async () => {
    await withServer(oneLineApp, async (url) => {
      expect((await fetch(`${url}/anything`)).status).toBe(401);
    });
  });

  it('keeps routes before the middleware public', async () => {
    await withServer(expressReadmeApp, async (url) => {
      expect((await fetch(`${url}/health`)).status).toBe(200);
    });
  });

  it('protects routes after the middleware', async () => {
    await withServer(expressReadmeApp, async (url) => {
      const response = await fetch(`${url}/me`);

      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="api"');
      expect((await fetch(`${url}/items`, { method: 'POST' })).status).toBe(401);
    });
  });

  it('rejects a token of another issuer before fetching keys', async () => {
    const keys = await generateTestKeys();
    const token = await createTokenFactory({ issuer: 'https://other.example.com/', audience: 'https://api.example.com', key: keys.rsa }).sign();

    await withServer(expressReadmeApp, async (url) => {
      const response = await fetch(`${url}/me`, { headers: { authorization: `Bearer ${token}` } });

      expect(response.status).toBe(401);
      expect((await response.json()).code).toBe('issuer_invalid');
    });
  });

  it('answers scope checks without an identity with 401', async () => {
    await withServer(expressRoutesApp, async (url) => {
      expect((await fetch(`${url}/reports`)).status).toBe(401);
      expect((await fetch(`${url}/tenant`)).status).toBe(401);
    });
  });

  it('renders failures passed to the error handler', async () => {
    await withServer(expressRoutesApp, async (url) => {
      const response = await fetch(`${url}/anything`, { headers: { authorization: 'Bearer' } });

      expect(response.status).toBe(400);
      expect(response.headers.get('www-authenticate')).toContain('error="invalid_request"');
    });
  });
});
