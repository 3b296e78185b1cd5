import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { NextLatchkey } from '@latchkey/next';
import { COOKIE, createAppLatchkey, type IssuerSetup, startIssuerSetup } from './helpers.js';

let setup: IssuerSetup;
let auth: NextLatchkey;
let valid: string;
let expired: string;

beforeAll(async () => {
  setup = await startIssuerSetup();
  auth = createAppLatchkey(setup);
  valid = await setup.tokens.sign({ expiresIn: 600 });
  expired = await setup.tokens.sign({ claims: { iat: Math.floor(Date.now() / 1000) - 905 }, expiresIn: -5 - 60 });
});

afterAll(async () => {
  await setup.close();
});

beforeEach(() => {
  setup.issuer.resetCounts();
});

function cookieHeaders(token: string | undefined, extra: Record<string, string> = {}): Headers {
  const headers = new Headers({ host: 'app.example.com', ...extra });
  if (token !== undefined) headers.set('cookie', `${COOKIE}=${token}; theme=dark`);
  return headers;
}

describe('authFromHeaders in a server component', () => {
  it('returns null for an expired cookie without throwing', async () => {
    await expect(auth.authFromHeaders(cookieHeaders(expired))).resolves.toBeNull();
  });

  it('returns the claims for a valid cookie', async () => {
    const identity = await auth.authFromHeaders(cookieHeaders(valid));

    expect(identity?.claims.sub).toBe('user-123');
    expect(identity?.location).toBe('cookie');
  });

  it('returns null without a cookie and fetches no keys', async () => {
    await expect(auth.authFromHeaders(cookieHeaders(undefined))).resolves.toBeNull();
    expect(setup.issuer.requests.total).toBe(0);
  });

  it('returns null for a cookie that is not a JWT', async () => {
    await expect(auth.authFromHeaders(cookieHeaders('abc.def'))).resolves.toBeNull();
    expect(setup.issuer.requests.jwks).toBe(0);
  });

  it('returns null for a cookie with invalid characters', async () => {
    await expect(auth.authFromHeaders(new Headers({ cookie: `${COOKIE}="a b"` }))).resolves.toBeNull();
  });

  it('verifies once for one request', async () => {
    const headers = cookieHeaders(valid);
    const [layout, page] = await Promise.all([auth.authFromHeaders(headers), auth.authFromHeaders(headers)]);

    expect(layout).not.toBeNull();
    expect(page).toBe(layout);
  });

  it('makes no network call once the keys are cached', async () => {
    await auth.authFromHeaders(cookieHeaders(valid));
    setup.issuer.resetCounts();

    await auth.authFromHeaders(cookieHeaders(valid));
    expect(setup.issuer.requests.total).toBe(0);
  });

  it('ignores identity headers a client sends', async () => {
    const headers = new Headers({ 'x-latchkey-claims': '{"sub":"admin"}', 'x-latchkey-sub': 'admin' });

    await expect(auth.authFromHeaders(headers)).resolves.toBeNull();
  });

  it('rejects when the keys cannot be obtained', async () => {
    const down = createAppLatchkey({ ...setup, options: { ...setup.options, jwksUri: 'http://127.0.0.1:9/keys' } });

    await expect(down.authFromHeaders(cookieHeaders(valid))).rejects.toMatchObject({ code: 'key_source_unavailable', status: 503 });
  });
});

describe('authFromHeaders in a server action', () => {
  const action = { 'next-action': '7f3a0c', 'content-type': 'text/plain;charset=UTF-8' };

  it('returns null for an expired cookie', async () => {
    await expect(auth.authFromHeaders(cookieHeaders(expired, { ...action, origin: 'https://app.example.com' }))).resolves.toBeNull();
  });

  it('returns the claims for a same-origin action', async () => {
    const identity = await auth.authFromHeaders(cookieHeaders(valid, { ...action, origin: 'https://app.example.com', 'sec-fetch-site': 'same-origin' }));

    expect(identity?.claims.sub).toBe('user-123');
  });

  it('returns null for a cross-site action carrying the cookie', async () => {
    for (const extra of [{ origin: 'https://attacker.example.net', 'sec-fetch-site': 'cross-site' }, { origin: 'null' }, {}]) {
      await expect(auth.authFromHeaders(cookieHeaders(valid, { ...action, ...extra }))).resolves.toBeNull();
    }
  });

  it('accepts a header token from any origin', async () => {
    const headers = new Headers({ ...action, authorization: `Bearer ${valid}`, origin: 'https://attacker.example.net' });

    expect((await auth.authFromHeaders(headers))?.claims.sub).toBe('user-123');
  });
});

describe('getAuth outside a request', () => {
  it('rejects with the framework error, not a latchkey failure', async () => {
    await expect(auth.getAuth()).rejects.toThrow(/outside a request scope|request scope/);
  });
});
