import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenFactory, generateTestKey, type LocalIssuer, startIssuer, type TokenFactory } from '@latchkey/test-fixtures';
import { environmentWithout, runScript, type ScriptProcess } from './helpers.js';

const exampleDirectory = fileURLToPath(new URL('..', import.meta.url));
const configVariables = ['ISSUER', 'AUDIENCE', 'JWKS_URI', 'PORT', 'HOST'];
const audience = 'https://api.example.com';
const waitMs = 15_000;

let issuer: LocalIssuer;
let tokens: TokenFactory;
const processes: ScriptProcess[] = [];

beforeAll(async () => {
  const key = await generateTestKey('ES256');
  issuer = await startIssuer({ keys: [key] });
  tokens = createTokenFactory({ issuer: issuer.issuer, audience, key });
});

afterAll(async () => {
  for (const started of processes) started.kill();
  await issuer?.close();
});

function startServer(env: Record<string, string>): ScriptProcess {
  const started = runScript('src/server.ts', { cwd: exampleDirectory, env: { ...environmentWithout(...configVariables), ...env } });
  processes.push(started);
  return started;
}

function issuerEnvironment(): Record<string, string> {
  return { ISSUER: issuer.issuer, AUDIENCE: audience, JWKS_URI: issuer.jwksUri, PORT: '0' };
}

describe('src/server.ts', { timeout: 30_000 }, () => {
  it('names every missing variable', async () => {
    const server = startServer({});

    expect(await server.waitForExit(waitMs)).toBe(1);
    expect(server.stderr()).toContain('Missing environment variables ISSUER, AUDIENCE, JWKS_URI.');
  });

  it('names the one missing variable', async () => {
    const server = startServer({ ISSUER: issuer.issuer, AUDIENCE: audience });

    expect(await server.waitForExit(waitMs)).toBe(1);
    expect(server.stderr()).toContain('Missing environment variable JWKS_URI.');
  });

  it('rejects an invalid PORT', async () => {
    const server = startServer({ ...issuerEnvironment(), PORT: 'http' });

    expect(await server.waitForExit(waitMs)).toBe(1);
    expect(server.stderr()).toContain('Invalid PORT "http"');
  });

  it('reports a JWKS_URI that latchkey rejects', async () => {
    const server = startServer({ ...issuerEnvironment(), JWKS_URI: 'not a url' });

    expect(await server.waitForExit(waitMs)).toBe(1);
    expect(server.stderr()).toContain('Failed to create the app from ISSUER, AUDIENCE and JWKS_URI.');
    expect(server.stderr()).toContain('"jwksUri"');
  });

  it('serves requests and stops on SIGTERM', async () => {
    const server = startServer(issuerEnvironment());
    const [, url] = await server.waitForStdout(/listening on (http:\/\/127\.0\.0\.1:\d+)\n/, waitMs);

    const open = await fetch(`${url}/public`);
    expect(open.status).toBe(200);

    const me = await fetch(`${url}/me`, { headers: { authorization: `Bearer ${await tokens.preset('valid')}` } });
    expect(me.status).toBe(200);
    expect(await me.json()).toEqual({ sub: 'user-123', scopes: ['read:items'] });

    server.child.kill('SIGTERM');
    expect(await server.waitForExit(waitMs)).toBe(0);
    expect(server.stdout()).toContain('Received SIGTERM, closing the server.');
    expect(server.stdout()).toContain('Server closed.');
  });
});
