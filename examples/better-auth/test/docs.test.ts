import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Clock, createClient } from '@latchkey/client';
import {
  CredentialsMissingError,
  createMemoryRevocationStore,
  type FailureCode,
  InsufficientScopeError,
  InvalidRequestError,
  InvalidTokenError,
  KeySourceUnavailableError,
  type LatchkeyError,
  renderFailure,
  RevocationUnavailableError,
} from '@latchkey/core';
import { unsignedToken } from '@latchkey/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApi, startExpressApi } from '../src/apis.js';
import { createAuthOptions } from '../src/auth-options.js';
import { DEFAULT_AUDIENCE } from '../src/settings.js';
import { type BetterAuthServer, decodeToken, startBetterAuth } from './support/better-auth-server.js';
import { fencedBlocks, readDoc, relativeLinks, repositoryRoot, tableRows } from './support/markdown.js';

const pages = ['authentication-flow.md', 'token-structure.md', 'token-lifecycle.md', 'api-authentication.md', 'error-handling.md'];

const exampleRoot = join(repositoryRoot, 'examples', 'better-auth');

/** Source files that hold the docs' code: the example's source, its app and the test snippets. */
function codeFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return codeFiles(path);
    return /\.tsx?$/.test(entry.name) ? [readFileSync(path, 'utf8')] : [];
  });
}

describe('docs pages', () => {
  const sources = ['src', 'app', 'test/snippets'].flatMap((folder) => codeFiles(join(exampleRoot, folder)));

  const blocks = pages.flatMap((page) => fencedBlocks(readDoc(page), 'ts').map((block, index) => [page, index + 1, block] as const));

  it.each(blocks)('%s block %i is code that tests run', (_page, _index, block) => {
    expect(sources.some((source) => source.includes(block.trim()))).toBe(true);
  });

  it.each(pages)('%s links only to existing files', (page) => {
    for (const target of relativeLinks(readDoc(page))) {
      expect(existsSync(join(repositoryRoot, 'docs', target)), `${page} links to ${target}`).toBe(true);
    }
  });
});

/** One failure of each code, built the way the verifier builds it. */
const failures: Record<FailureCode, () => LatchkeyError> = {
  credentials_missing: () => new CredentialsMissingError(),
  credentials_malformed: () => new InvalidRequestError('credentials_malformed', { description: 'x' }),
  credentials_multiple: () => new InvalidRequestError('credentials_multiple', { description: 'x' }),
  credentials_insecure: () => new InvalidRequestError('credentials_insecure', { description: 'x' }),
  token_malformed: () => new InvalidTokenError('token_malformed', { description: 'x' }),
  token_too_large: () => new InvalidTokenError('token_too_large', { description: 'x' }),
  token_expired: () => new InvalidTokenError('token_expired', { description: 'x' }),
  token_not_yet_valid: () => new InvalidTokenError('token_not_yet_valid', { description: 'x' }),
  token_type_invalid: () => new InvalidTokenError('token_type_invalid', { description: 'x' }),
  signature_invalid: () => new InvalidTokenError('signature_invalid', { description: 'x' }),
  issuer_invalid: () => new InvalidTokenError('issuer_invalid', { description: 'x' }),
  audience_invalid: () => new InvalidTokenError('audience_invalid', { description: 'x' }),
  key_not_found: () => new InvalidTokenError('key_not_found', { description: 'x' }),
  algorithm_not_allowed: () => new InvalidTokenError('algorithm_not_allowed', { description: 'x' }),
  claim_invalid: () => new InvalidTokenError('claim_invalid', { description: 'x' }),
  token_revoked: () => new InvalidTokenError('token_revoked', { description: 'x' }),
  scope_insufficient: () => new InsufficientScopeError('scope_insufficient', { description: 'x' }),
  claims_insufficient: () => new InsufficientScopeError('claims_insufficient', { description: 'x' }),
  key_source_unavailable: () => new KeySourceUnavailableError({ description: 'x', retryAfter: 5 }),
  revocation_unavailable: () => new RevocationUnavailableError({ description: 'x', retryAfter: 5 }),
};

describe('error handling page', () => {
  const rows = tableRows(readDoc('error-handling.md'), 'code');

  it('lists every failure code once', () => {
    expect(rows.map(([code]) => code).sort()).toEqual(Object.keys(failures).sort());
  });

  it.each(rows)('states the response of %s', (code, status, error) => {
    const rendered = renderFailure(failures[code as FailureCode]());
    const body = JSON.parse(rendered.body) as Record<string, unknown>;

    expect(String(rendered.status)).toBe(status);
    expect(body['code']).toBe(code);
    expect(body['error'] ?? 'none').toBe(error?.split(' ')[0]);
    if (rendered.status === 503) expect(rendered.headers['www-authenticate']).toBeUndefined();
  });
});

describe('token structure page', () => {
  let server: BetterAuthServer;
  let token: string;

  beforeAll(async () => {
    server = await startBetterAuth((base) => createAuthOptions({ ...base, audience: DEFAULT_AUDIENCE, tokenLifetime: 300 }));
    token = await server.token(await server.signUp(`user-${randomUUID()}@example.com`));
  });

  afterAll(async () => {
    await server?.close();
  });

  it('lists exactly the claims of an example token', () => {
    const documented = tableRows(readDoc('token-structure.md'), 'claim').map(([claim]) => claim);

    expect(documented.sort()).toEqual(Object.keys(decodeToken(token).payload).sort());
  });

  it('lists the header parameters of an example token', () => {
    const { header } = decodeToken(token);
    const documented = tableRows(readDoc('token-structure.md'), 'parameter');

    for (const [parameter, value] of documented) {
      if (value === 'not set') expect(header[parameter ?? ''], parameter).toBeUndefined();
      else expect(header[parameter ?? ''], parameter).toBeDefined();
    }
    expect(header['alg']).toBe('EdDSA');
  });

  it('keeps example tokens within the size budget', () => {
    expect(token.length).toBeLessThan(1024);
  });
});

/** Creates a clock that moves only when the test sets it, and runs each timer once its time has come. */
function manualClock(start: number): { clock: Clock; set(time: number): void } {
  let now = start;
  const timers = new Set<{ dueAt: number; callback: () => void }>();

  return {
    clock: {
      now: () => now,
      setTimer: (callback, delayMs) => {
        const timer = { dueAt: now + delayMs, callback };
        timers.add(timer);
        return () => timers.delete(timer);
      },
    },
    set(time) {
      now = time;
      for (const timer of [...timers]) {
        if (timer.dueAt > now) continue;
        timers.delete(timer);
        timer.callback();
      }
    },
  };
}

const LIFETIMES: Record<string, number> = { '15 minutes': 900, '5 minutes': 300, '60 s': 60, '10 s': 10 };

describe('token lifecycle page', () => {
  const rows = tableRows(readDoc('token-lifecycle.md'), 'token lifetime');

  it.each(rows)('refreshes a %s token with %s left', async (lifetimeText, marginText) => {
    const lifetime = LIFETIMES[lifetimeText ?? ''] ?? Number.NaN;
    const margin = Number(marginText?.replace(' s', ''));
    const start = 1_700_000_000_000;
    const { clock, set } = manualClock(start);
    let tokenRequests = 0;

    const client = createClient({
      clock,
      lock: null,
      channel: null,
      tokenProvider: async () => {
        tokenRequests += 1;
        const iat = Math.floor(clock.now() / 1000);
        return unsignedToken({ alg: 'none' }, { iat, exp: iat + lifetime });
      },
    });

    await client.getToken();
    set(start + (lifetime - margin) * 1000 - 1);
    await client.getToken();
    expect(tokenRequests).toBe(1);

    set(start + (lifetime - margin) * 1000);
    await client.getToken();
    expect(tokenRequests).toBe(2);
    client.dispose();
  });
});

describe('authentication flow page', () => {
  let server: BetterAuthServer;
  let api: RunningApi;

  beforeAll(async () => {
    server = await startBetterAuth((base) => createAuthOptions({ ...base, audience: DEFAULT_AUDIENCE, tokenLifetime: 300 }));
    api = await startExpressApi({ issuer: server.baseURL, audience: DEFAULT_AUDIENCE, jwksUri: server.jwksUri, allowedOrigins: [], store: createMemoryRevocationStore() });
  });

  afterAll(async () => {
    await api?.close();
    await server?.close();
  });

  it('draws a Mermaid sequence diagram', () => {
    const [diagram = ''] = fencedBlocks(readDoc('authentication-flow.md'), 'mermaid');

    expect(diagram.startsWith('sequenceDiagram\n')).toBe(true);
    for (const step of ['Sign-in', 'Issuance', 'API call', 'Refresh', 'Sign-out', 'Revocation']) {
      expect(diagram, step).toMatch(new RegExp(`Note over [A-Z],[A-Z]: ${step}\n`));
    }
  });

  it('names only endpoints that exist', async () => {
    const [diagram = ''] = fencedBlocks(readDoc('authentication-flow.md'), 'mermaid');
    const endpoints = new Set([...diagram.matchAll(/\b(GET|POST) (\/[\w/-]+)/g)].map((match) => `${match[1]} ${match[2]}`));

    expect(endpoints.size).toBeGreaterThanOrEqual(6);
    for (const endpoint of endpoints) {
      const [method = 'GET', path = '/'] = endpoint.split(' ');
      const origin = path.startsWith('/api/auth/') ? server.baseURL : api.url;
      const response = await fetch(`${origin}${path}`, { method, headers: { origin: server.baseURL, 'content-type': 'application/json' }, body: method === 'POST' ? '{}' : null });

      expect(response.status, endpoint).not.toBe(404);
    }
  });
});
