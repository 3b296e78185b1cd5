// The Better Auth token provider and sign-out against the Better Auth shaped endpoint.
import { afterEach, describe, expect, it } from 'vitest';
import { AuthEndpointError, betterAuthSignOut, betterAuthTokenProvider } from '@latchkey/client';
import { type Harness, startHarness } from './support/harness.js';
import type { ScriptedApi } from './support/scripted-api.js';
import { sessionCookie } from './support/token-endpoint.js';

let harness: Harness<ScriptedApi> | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function start(): Promise<Harness<ScriptedApi>> {
  harness = await startHarness('scripted');
  harness.startSession();
  return harness;
}

/** Wraps the harness's cookie-keeping fetch and records every request it sends. */
function recordingFetch(h: Harness<ScriptedApi>) {
  const sent: Request[] = [];
  const fetch: typeof globalThis.fetch = (input, init) => {
    const request = new Request(input, init);
    sent.push(request.clone());
    return h.jar.fetch(request);
  };
  return { sent, fetch };
}

describe('betterAuthTokenProvider', () => {
  it('gets the token with the session cookie', async () => {
    const h = await start();
    const { sent, fetch } = recordingFetch(h);

    const result = await betterAuthTokenProvider({ baseURL: h.endpoint.url, fetch })();

    expect(result).toEqual({ token: h.endpoint.issued[0] });
    expect(sent[0]?.url).toBe(`${h.endpoint.url}/api/auth/token`);
    expect(sent[0]?.method).toBe('GET');
    expect(sent[0]?.credentials).toBe('include');
    expect(sent[0]?.cache).toBe('no-store');
    expect(h.endpoint.requests[0]?.accept).toBe('application/json');
    expect(h.endpoint.requests[0]?.cookie).toContain(`${sessionCookie}=`);
  });

  it.each([401, 403])('%i means signed out', async (status) => {
    const h = await start();
    h.endpoint.script({ status });

    expect(await betterAuthTokenProvider({ baseURL: h.endpoint.url, fetch: h.jar.fetch })()).toBeNull();
  });

  it('500 rejects with the URL and status', async () => {
    const h = await start();
    h.endpoint.script({ status: 500 });

    const error = await betterAuthTokenProvider({ baseURL: h.endpoint.url, fetch: h.jar.fetch })().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(AuthEndpointError);
    expect(error).toMatchObject({ status: 500, url: `${h.endpoint.url}/api/auth/token` });
    expect((error as Error).message).toContain('/api/auth/token responded with status 500');
  });

  it('rejects a body without a token', async () => {
    const h = await start();
    h.endpoint.script({ token: '' });

    await expect(betterAuthTokenProvider({ baseURL: h.endpoint.url, fetch: h.jar.fetch })()).rejects.toThrow(/without a "token" string/);
  });

  it('joins baseURL and basePath', async () => {
    const h = await start();
    const { sent, fetch } = recordingFetch(h);

    const error = await betterAuthTokenProvider({ baseURL: `${h.endpoint.url}/`, basePath: '/auth/', fetch })().catch((caught: unknown) => caught);

    expect(sent[0]?.url).toBe(`${h.endpoint.url}/auth/token`);
    expect(error).toMatchObject({ name: 'AuthEndpointError', status: 404 });
  });

  it.each([
    ['baseURL', { baseURL: 42 as unknown as string }, /baseURL must be a string/],
    ['basePath', { baseURL: '', basePath: 'api/auth' }, /basePath must start with "\/"/],
  ])('rejects an invalid %s', (_name, options, message) => {
    expect(() => betterAuthTokenProvider(options)).toThrow(message);
  });
});

describe('betterAuthSignOut', () => {
  it('posts to sign-out with the cookie', async () => {
    const h = await start();
    const { sent, fetch } = recordingFetch(h);

    await betterAuthSignOut({ baseURL: h.endpoint.url, fetch })();

    expect(sent[0]?.url).toBe(`${h.endpoint.url}/api/auth/sign-out`);
    expect(sent[0]?.method).toBe('POST');
    expect(sent[0]?.credentials).toBe('include');
    expect(await sent[0]?.text()).toBe('{}');
    expect(h.endpoint.signOutCalls).toBe(1);
    expect(h.jar.get(sessionCookie)).toBeUndefined();
    expect(await betterAuthTokenProvider({ baseURL: h.endpoint.url, fetch: h.jar.fetch })()).toBeNull();
  });
});
