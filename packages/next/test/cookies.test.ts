import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigurationError } from '@latchkey/core';
import { type CookieAttributes, CookieTooLargeError, createLatchkey, MAX_COOKIE_BYTES, type NextLatchkey } from '@latchkey/next';
import { COOKIE, createAppLatchkey, type IssuerSetup, nextRequest, problemCode, startIssuerSetup } from './helpers.js';

let setup: IssuerSetup;
let auth: NextLatchkey;

/** Records what would be sent as Set-Cookie. */
class RecordingCookies {
  readonly written: Array<{ name: string; value: string; options: CookieAttributes }> = [];

  set(name: string, value: string, options: CookieAttributes): this {
    this.written.push({ name, value, options });
    return this;
  }
}

/** Signs a token carrying a whole user record, as Better Auth's JWT plugin issues by default. */
function userRecordToken(imageBytes: number): Promise<string> {
  return setup.tokens.sign({
    claims: {
      id: 'user-123',
      name: 'Test User',
      email: 'user@example.com',
      emailVerified: true,
      image: `https://avatars.example.com/${'a'.repeat(imageBytes)}`,
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
    },
    expiresIn: 900,
  });
}

beforeAll(async () => {
  setup = await startIssuerSetup();
  auth = createAppLatchkey(setup);
});

afterAll(async () => {
  await setup.close();
});

beforeEach(() => {
  setup.issuer.resetCounts();
});

describe('setTokenCookie', () => {
  it('writes a small token with the documented attributes', async () => {
    const token = await setup.tokens.sign({ claims: { sid: 'session-1', email: 'user@example.com', scope: 'read:items', jti: undefined }, expiresIn: 900 });
    const cookies = new RecordingCookies();

    auth.setTokenCookie(cookies, token, { maxAge: 900 });

    expect(cookies.written).toEqual([{ name: COOKIE, value: token, options: { httpOnly: true, secure: true, path: '/', sameSite: 'lax', maxAge: 900 } }]);
    expect(auth.serializeTokenCookie(token, { maxAge: 900 }).length).toBeLessThan(1024);
  });

  it('refuses a token over the browser limit and writes nothing', async () => {
    const token = await userRecordToken(2900);
    const cookies = new RecordingCookies();

    expect(token.length).toBeGreaterThan(4096);
    expect(token.length).toBeLessThan(8192);
    expect(() => auth.setTokenCookie(cookies, token, { maxAge: 900 })).toThrow(CookieTooLargeError);
    expect(cookies.written).toEqual([]);
  });

  it('refuses a token over the verifier limit', async () => {
    const token = await userRecordToken(6000);
    const cookies = new RecordingCookies();

    expect(token.length).toBeGreaterThan(8192);
    expect(() => auth.setTokenCookie(cookies, token)).toThrow(CookieTooLargeError);
    expect(cookies.written).toEqual([]);
  });

  it('counts name, value and attributes against the limit', () => {
    const attributes = auth.serializeTokenCookie('x', { maxAge: 900 }).length - 1;
    const fitting = 'a'.repeat(MAX_COOKIE_BYTES - attributes);

    expect(auth.serializeTokenCookie(fitting, { maxAge: 900 })).toHaveLength(MAX_COOKIE_BYTES);
    expect(() => auth.serializeTokenCookie(`${fitting}a`, { maxAge: 900 })).toThrow(/4001 bytes/);
  });

  it('names the size and the fix in the error', async () => {
    const error = (() => {
      try {
        auth.serializeTokenCookie('a'.repeat(5000));
      } catch (caught) {
        return caught as CookieTooLargeError;
      }
      return undefined;
    })();

    expect(error?.code).toBe('cookie_too_large');
    expect(error?.limit).toBe(MAX_COOKIE_BYTES);
    expect(error?.message).toMatch(/Authorization header/);
  });

  it('rejects a value that is not a bearer token', () => {
    expect(() => auth.setTokenCookie(new RecordingCookies(), 'a;b=c')).toThrow(TypeError);
  });

  it('expires the cookie on sign-out', () => {
    const cookies = new RecordingCookies();

    auth.clearTokenCookie(cookies);

    expect(cookies.written).toEqual([{ name: COOKIE, value: '', options: { httpOnly: true, secure: true, path: '/', sameSite: 'lax', maxAge: 0 } }]);
  });
});

describe('large tokens in the Authorization header', () => {
  const GET = () => auth.withAuth(async () => Response.json({ ok: true }));

  it('accepts a 4.4 KB token', async () => {
    const token = await userRecordToken(2900);
    const response = await GET()(nextRequest('/api/me', { headers: { authorization: `Bearer ${token}` } }), { params: Promise.resolve({}) });

    expect(response.status).toBe(200);
  });

  it('rejects an 8.5 KB token before fetching keys', async () => {
    const token = await userRecordToken(6000);
    const response = await GET()(nextRequest('/api/me', { headers: { authorization: `Bearer ${token}` } }), { params: Promise.resolve({}) });

    expect(response.status).toBe(401);
    expect(await problemCode(response)).toBe('token_too_large');
    expect(setup.issuer.requests.jwks).toBe(0);
  });
});

describe('leftover chunk cookies', () => {
  const GET = () => auth.withAuth(async () => Response.json({ ok: true }));
  const context = { params: Promise.resolve({}) };

  it('never joins chunks into a token and clears them', async () => {
    const [first, second] = [await setup.tokens.sign(), await setup.tokens.sign()];
    const chunks = `${COOKIE}.0=${first.slice(0, 300)}; ${COOKIE}.1=${first.slice(300)}; ${COOKIE}.2=${second.slice(500)}`;
    const response = await GET()(nextRequest('/api/me', { headers: { cookie: chunks } }), context);

    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="api"');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.getSetCookie()).toEqual([0, 1, 2].map((index) => expect.stringMatching(new RegExp(`^${COOKIE}\\.${index}=; Max-Age=0; .*Path=/; .*HttpOnly; Secure`))));
  });

  it('reads the unchunked cookie and clears a stray chunk', async () => {
    const token = await setup.tokens.sign();
    const response = await GET()(nextRequest('/api/me', { headers: { cookie: `${COOKIE}=${token}; ${COOKIE}.0=${token.slice(0, 100)}` } }), context);

    expect(response.status).toBe(200);
    expect(response.headers.getSetCookie()).toHaveLength(1);
    expect(response.headers.get('cache-control')).toBe('private, no-store');
  });
});

describe('cookie settings', () => {
  const base = () => setup.options;

  it.each([
    ['a __Host- cookie with a Domain', { name: '__Host-lk_at', domain: 'example.com' }, 'cookie.domain'],
    ['a __Host- cookie without Secure', { name: '__Host-lk_at', secure: false }, 'cookie.secure'],
    ['a __Host- cookie with another path', { name: '__Host-lk_at', path: '/api' }, 'cookie.path'],
    ['a __Secure- cookie without Secure', { name: '__Secure-lk_at', secure: false }, 'cookie.secure'],
    ['the default name without Secure', { secure: false }, 'cookie.secure'],
    ['SameSite=None without Secure', { name: 'lk_at', secure: false, sameSite: 'none' as const }, 'cookie.sameSite'],
  ])('rejects %s at start-up', (_name, cookie, option) => {
    expect(() => createLatchkey({ ...base(), cookie })).toThrow(ConfigurationError);
    expect(() => createLatchkey({ ...base(), cookie })).toThrow(`option "${option}"`);
  });

  it('explains the prefix rule and the development fix', () => {
    expect(() => createLatchkey({ ...base(), cookie: { secure: false } })).toThrow(/must be Secure.*unprefixed name such as "lk_at"/);
  });

  it('accepts an unprefixed cookie for plain-http development', () => {
    const development = createLatchkey({ ...base(), cookie: { name: 'lk_at', secure: false } });
    const cookies = new RecordingCookies();

    development.setTokenCookie(cookies, 'a.b.c');

    expect(cookies.written[0]?.options.secure).toBe(false);
  });

  it('rejects cookieName in favour of cookie.name', () => {
    expect(() => createLatchkey({ ...base(), cookieName: 'x' } as never)).toThrow('option "cookieName"');
  });

  it('refuses cookie writes when the cookie is off', () => {
    const headerOnly = createLatchkey({ ...base(), cookie: false });

    expect(() => headerOnly.setTokenCookie(new RecordingCookies(), 'a.b.c')).toThrow(/cookie: false/);
  });
});

describe('opaque session tokens', () => {
  const GET = () => auth.withAuth(async () => Response.json({ ok: true }));
  const context = { params: Promise.resolve({}) };
  const sessionToken = 'x4fPq8ZkR2mT9vW1yB6nC3dE5gH7jK0L';

  it('rejects a session token in the cookie as invalid', async () => {
    const response = await GET()(nextRequest('/api/me', { headers: { cookie: `${COOKIE}=${sessionToken}` } }), context);

    expect(response.status).toBe(401);
    expect(await problemCode(response)).toBe('token_malformed');
    expect(setup.issuer.requests.total).toBe(0);
  });

  it('rejects a session token in the header as invalid', async () => {
    const response = await GET()(nextRequest('/api/me', { headers: { authorization: `Bearer ${sessionToken}` } }), context);

    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });
});
