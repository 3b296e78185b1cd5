// State changes, sign-in and sign-out.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { betterAuthSignOut, betterAuthTokenProvider, createClient, SignOutError, type StateChange } from '@latchkey/client';
import { type Harness, startHarness } from './support/harness.js';
import type { ScriptedApi } from './support/scripted-api.js';
import { sessionCookie } from './support/token-endpoint.js';

let harness: Harness<ScriptedApi> | undefined;

afterEach(async () => {
  vi.unstubAllGlobals();
  await harness?.close();
  harness = undefined;
});

async function start(): Promise<Harness<ScriptedApi>> {
  harness = await startHarness('scripted');
  harness.startSession();
  return harness;
}

describe('state changes', () => {
  it('sign-in emits each change once', async () => {
    const h = await start();
    const client = h.client();
    const changes: StateChange[] = [];
    client.subscribe((change) => changes.push(change));

    await client.signIn();
    await client.fetch(h.itemsUrl);
    await client.getToken();

    expect(changes).toEqual([
      { previous: 'signed_out', current: 'refreshing' },
      { previous: 'refreshing', current: 'authenticated' },
    ]);
  });

  it('expires without any request', async () => {
    const h = await start();
    const client = h.client();
    await client.signIn();
    const changes: StateChange[] = [];
    client.subscribe((change) => changes.push(change));

    h.clock.advance(899_999);
    expect(changes).toEqual([]);
    h.clock.advance(1);

    expect(changes).toEqual([{ previous: 'authenticated', current: 'expired' }]);
    expect(h.endpoint.calls).toBe(1);
  });

  it('unsubscribe stops the listener', async () => {
    const h = await start();
    const client = h.client();
    const listener = vi.fn();
    const stop = client.subscribe(listener);
    stop();

    await client.signIn();

    expect(listener).not.toHaveBeenCalled();
  });

  it('throwing listener does not stop others', async () => {
    const h = await start();
    const reported: unknown[] = [];
    vi.stubGlobal('reportError', (error: unknown) => reported.push(error));
    const client = h.client();
    const seen: string[] = [];
    client.subscribe(() => {
      throw new Error('listener bug');
    });
    client.subscribe((change) => seen.push(change.current));

    await client.signIn();

    expect(seen).toEqual(['refreshing', 'authenticated']);
    expect(reported).toHaveLength(2);
  });

  it('listener changes arrive in order', async () => {
    const h = await start();
    const client = h.client();
    const first: string[] = [];
    const second: string[] = [];
    let signingOut: Promise<void> | undefined;
    client.subscribe((change) => {
      first.push(change.current);
      if (change.current === 'authenticated') signingOut = client.signOut();
    });
    client.subscribe((change) => second.push(change.current));

    await client.signIn();
    await signingOut;

    expect(first).toEqual(['refreshing', 'authenticated', 'signed_out']);
    expect(second).toEqual(first);
  });

  it('dispose stops the expiry timer', async () => {
    const h = await start();
    const client = h.client();
    await client.signIn();
    expect(h.clock.backgroundTimers()).toHaveLength(1);

    client.dispose();

    expect(h.clock.backgroundTimers()).toHaveLength(0);
  });
});

describe('signOut', () => {
  it('clears the token and ends the session', async () => {
    const h = await start();
    const client = h.client();
    await client.signIn();

    await client.signOut();

    expect(client.state).toBe('signed_out');
    expect(h.endpoint.signOutCalls).toBe(1);
    expect(h.jar.get(sessionCookie)).toBeUndefined();
    expect(await client.getToken()).toBeNull();

    await client.fetch(h.itemsUrl);
    expect(h.api.tokensSent()).toEqual([undefined]);
    expect(h.endpoint.calls).toBe(1);
  });

  it('discards a refresh in flight', async () => {
    const h = await start();
    const client = h.client();

    const pending = client.getToken();
    await client.signOut();

    expect(await pending).toBeNull();
    expect(client.state).toBe('signed_out');
  });

  it('failed endpoint still signs out locally', async () => {
    const h = await start();
    // The API responds 401 to the sign-out path, as it does to any request without a token.
    const client = h.client({ signOut: betterAuthSignOut({ baseURL: h.api.url, fetch: h.jar.fetch }) });
    await client.signIn();

    const error = await client.signOut().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(SignOutError);
    expect((error as Error).message).toContain(`${h.api.url}/api/auth/sign-out responded to the sign-out request with status 401`);
    expect(client.state).toBe('signed_out');
    expect(await client.getToken()).toBeNull();
  });

  it('works without a signOut option', async () => {
    const h = await start();
    const client = createClient({ tokenProvider: betterAuthTokenProvider({ baseURL: h.endpoint.url, fetch: h.jar.fetch }), clock: h.clock });
    await client.signIn();

    await client.signOut();

    expect(client.state).toBe('signed_out');
    expect(h.endpoint.signOutCalls).toBe(0);
    client.dispose();
  });
});

describe('signIn', () => {
  it('takes a given token', async () => {
    const h = await start();
    const client = h.client();
    const token = await h.sign();

    await client.signIn(token);

    expect(await client.getToken()).toBe(token);
    expect(h.endpoint.calls).toBe(0);
    expect((await client.fetch(h.itemsUrl)).status).toBe(200);
  });

  it('rejects a malformed token', async () => {
    const h = await start();
    const client = h.client();

    await expect(client.signIn('two words')).rejects.toThrow(/not a valid Bearer credential/);
    expect(client.state).toBe('signed_out');
  });

  it('without a session stays signed out', async () => {
    const h = await start();
    h.endpoint.endSessions();
    const client = h.client();

    await client.signIn();

    expect(client.state).toBe('signed_out');
    expect(await client.getToken()).toBeNull();
    expect(h.endpoint.calls).toBe(1);
  });
});
