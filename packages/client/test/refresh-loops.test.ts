// Refresh and retry loops: a fresh token that is rejected too, a token endpoint that ends the
// session or fails, and 401s that a new token cannot fix.
import { afterEach, describe, expect, it } from 'vitest';
import { parseBearerChallenge, TokenRefreshError, type ClientState, type LatchkeyClient } from '@latchkey/client';
import { type Harness, type HarnessOptions, startHarness } from './support/harness.js';
import type { ScriptedApi } from './support/scripted-api.js';

let harness: Harness<ScriptedApi> | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function start(options?: HarnessOptions): Promise<Harness<ScriptedApi>> {
  harness = await startHarness('scripted', options);
  harness.startSession();
  return harness;
}

function recordStates(client: LatchkeyClient): ClientState[] {
  const states: ClientState[] = [];
  client.subscribe((change) => states.push(change.current));
  return states;
}

describe('fresh token rejected too', () => {
  it('stops after one refresh and retry', async () => {
    const h = await start({ apiAudience: 'https://other.example.com' });
    const client = h.client();
    await client.signIn(await h.sign());
    const states = recordStates(client);

    const first = await client.fetch(h.itemsUrl);

    expect(first.status).toBe(401);
    expect(parseBearerChallenge(first.headers.get('www-authenticate'))?.error).toBe('invalid_token');
    expect(await first.json()).toMatchObject({ code: 'audience_invalid', error: 'invalid_token' });
    expect(h.endpoint.calls).toBe(1);
    expect(h.api.received).toHaveLength(2);
    expect(states).toEqual(['refreshing', 'authenticated', 'error']);
  });

  it('makes no refresh or retry for 30 s', async () => {
    const h = await start({ apiAudience: 'https://other.example.com' });
    const client = h.client();
    await client.signIn(await h.sign());
    await client.fetch(h.itemsUrl);

    for (let call = 0; call < 20; call += 1) {
      h.clock.advance(500);
      expect((await client.fetch(h.itemsUrl)).status).toBe(401);
    }

    expect(h.endpoint.calls).toBe(1);
    expect(h.api.received).toHaveLength(22);
    expect(client.state).toBe('error');
  });

  it('refreshes once per cooldown', async () => {
    const h = await start({ apiAudience: 'https://other.example.com' });
    const client = h.client();
    await client.signIn(await h.sign());
    await client.fetch(h.itemsUrl);

    h.clock.advance(29_999);
    await client.fetch(h.itemsUrl);
    expect(h.endpoint.calls).toBe(1);

    h.clock.advance(1);
    await client.fetch(h.itemsUrl);
    await client.fetch(h.itemsUrl);

    expect(h.endpoint.calls).toBe(2);
    expect(h.api.received).toHaveLength(5);
    expect(client.state).toBe('error');
  });

  it('sign-in ends the cooldown', async () => {
    const h = await start({ apiAudience: 'https://other.example.com' });
    const client = h.client();
    await client.signIn(await h.sign());
    await client.fetch(h.itemsUrl);

    await client.signIn();
    expect(client.state).toBe('authenticated');
    await client.fetch(h.itemsUrl);

    // The sign-in's token request, then one refresh and one retry before the cooldown starts again.
    expect(h.endpoint.calls).toBe(3);
    expect(h.api.received).toHaveLength(4);
    expect(client.state).toBe('error');
  });
});

describe('token endpoint ends the session', () => {
  it('signs out after one token call', async () => {
    const h = await start();
    const client = h.client();
    const rejected = await h.signExpired();
    await client.signIn(rejected);
    h.endpoint.endSessions();
    const states = recordStates(client);

    const responses = await Promise.all(Array.from({ length: 5 }, () => client.fetch(h.itemsUrl)));

    expect(responses.map((response) => response.status)).toEqual(Array(5).fill(401));
    expect(h.endpoint.calls).toBe(1);
    expect(client.state).toBe('signed_out');
    expect(states).toEqual(['refreshing', 'signed_out']);
  });

  it('asks again only after sign-in', async () => {
    const h = await start();
    const client = h.client();
    await client.signIn(await h.signExpired());
    h.endpoint.endSessions();
    await client.fetch(h.itemsUrl);

    const later = await Promise.all(Array.from({ length: 5 }, () => client.fetch(h.itemsUrl)));
    expect(later.map((response) => response.status)).toEqual(Array(5).fill(401));
    expect(h.api.tokensSent().slice(-5)).toEqual(Array(5).fill(undefined));
    expect(h.endpoint.calls).toBe(1);
    expect(await client.getToken()).toBeNull();

    h.startSession();
    await client.signIn();
    expect((await client.fetch(h.itemsUrl)).status).toBe(200);
    expect(h.endpoint.calls).toBe(2);
  });
});

describe('provider returns the rejected token', () => {
  it('never re-sends the rejected token', async () => {
    const h = await start();
    const client = h.client();
    const rejected = await h.signExpired();
    await client.signIn(rejected);
    h.endpoint.script({ token: rejected });

    const response = await client.fetch(h.itemsUrl);

    expect(response.status).toBe(401);
    expect(h.endpoint.calls).toBe(1);
    expect(h.api.tokensSent()).toEqual([rejected]);
    expect(client.state).toBe('error');
  });
});

describe('bare Bearer challenge', () => {
  it('retries once with the held token', async () => {
    const h = await start();
    h.api.script = () => ({ kind: 'bareChallenge' });
    const client = h.client();
    const token = await h.sign();
    await client.signIn(token);

    const response = await client.fetch(h.itemsUrl);

    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="api"');
    expect(h.api.tokensSent()).toEqual([token, token]);
    expect(h.endpoint.calls).toBe(0);
  });

  it('signs out when no token exists', async () => {
    const h = await start();
    h.endpoint.endSessions();
    h.api.script = () => ({ kind: 'bareChallenge' });
    const client = h.client();

    const response = await client.fetch(h.itemsUrl);

    expect(response.status).toBe(401);
    expect(h.api.tokensSent()).toEqual([undefined]);
    expect(h.endpoint.calls).toBe(1);
    expect(client.state).toBe('signed_out');
  });
});

describe('400 invalid_request', () => {
  it('is neither refreshed nor retried', async () => {
    const h = await start();
    h.api.script = () => ({ kind: 'invalidRequest' });
    const client = h.client();
    await client.signIn(await h.sign());

    const response = await client.fetch(h.itemsUrl);

    expect(response.status).toBe(400);
    expect(h.endpoint.calls).toBe(0);
    expect(h.api.received).toHaveLength(1);
  });
});

describe('token endpoint 5xx', () => {
  it('backs off 1 s then 2 s', async () => {
    const h = await start();
    const client = h.client();
    await client.signIn(await h.signExpired());
    h.endpoint.script({ status: 500 }, { status: 500 });
    const states = recordStates(client);

    const pending = client.fetch(h.itemsUrl);

    expect((await h.clock.nextTimer()).delayMs).toBe(1000);
    expect(h.endpoint.calls).toBe(1);
    h.clock.advance(999);
    expect(h.endpoint.calls).toBe(1);
    h.clock.advance(1);

    expect((await h.clock.nextTimer()).delayMs).toBe(2000);
    expect(h.endpoint.calls).toBe(2);
    h.clock.advance(1999);
    expect(h.clock.foregroundTimers()).toHaveLength(1);
    h.clock.advance(1);

    expect((await pending).status).toBe(200);
    expect(h.endpoint.calls).toBe(3);
    expect(states).toEqual(['refreshing', 'authenticated']);
  });

  it('early refresh failure keeps the token', async () => {
    const h = await start();
    const client = h.client();
    await client.signIn();
    const held = h.endpoint.issued[0];
    h.endpoint.script({ status: 500 }, { status: 500 });

    h.clock.advance(880_000);
    expect((await client.fetch(h.itemsUrl)).status).toBe(200);
    expect(h.endpoint.calls).toBe(2);

    h.clock.advance(999);
    await client.fetch(h.itemsUrl);
    expect(h.endpoint.calls).toBe(2);

    h.clock.advance(1);
    await client.fetch(h.itemsUrl);
    expect(h.endpoint.calls).toBe(3);

    h.clock.advance(2000);
    await client.fetch(h.itemsUrl);
    expect(h.endpoint.calls).toBe(4);
    expect(h.api.tokensSent()).toEqual([held, held, held, h.endpoint.issued[1]]);
    expect(client.state).toBe('authenticated');
  });

  it('fails after bounded attempts', async () => {
    const h = await start();
    const client = h.client();
    await client.signIn(await h.signExpired());
    h.endpoint.script({ status: 503 }, { status: 503 }, { status: 503 }, { status: 503 });
    const states = recordStates(client);

    const pending = client.fetch(h.itemsUrl);
    const outcome = expect(pending).rejects.toThrow(TokenRefreshError);
    for (const delay of [1000, 2000, 4000]) {
      expect((await h.clock.nextTimer()).delayMs).toBe(delay);
      h.clock.advance(delay);
    }
    await outcome;

    expect(h.endpoint.calls).toBe(4);
    expect(client.state).toBe('expired');
    expect(states).not.toContain('signed_out');
  });
});
