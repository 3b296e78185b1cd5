// Parallel, late and proactive refreshes against the Express example API: one token request serves
// every waiting request, and a 403 or an authentication-layer 503 never causes a refresh.
import { afterEach, describe, expect, it } from 'vitest';
import type { ClientState } from '@latchkey/client';
import { type ExpressApi, holdHeader } from './support/express-api.js';
import { type Harness, startHarness } from './support/harness.js';
import type { ScriptedApi } from './support/scripted-api.js';

let harness: Harness<ExpressApi> | Harness<ScriptedApi> | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function expressHarness(options?: Parameters<typeof startHarness>[1]): Promise<Harness<ExpressApi>> {
  const started = await startHarness('express', options);
  harness = started;
  started.startSession();
  return started;
}

function times<T>(count: number, run: () => Promise<T>): Promise<T[]> {
  return Promise.all(Array.from({ length: count }, run));
}

describe('parallel 401s', () => {
  it('ten 401s share one refresh', async () => {
    const h = await expressHarness();
    const client = h.client();
    const rejected = await h.signExpired();
    await client.signIn(rejected);

    const responses = await times(10, () => client.fetch(h.itemsUrl));

    expect(responses.map((response) => response.status)).toEqual(Array(10).fill(200));
    expect(h.endpoint.calls).toBe(1);
    expect(h.api.calls).toHaveLength(20);

    const renewed = h.endpoint.issued[0];
    expect(h.api.calls.filter((call) => call.token === rejected).map((call) => call.status)).toEqual(Array(10).fill(401));
    expect(h.api.calls.filter((call) => call.token === renewed).map((call) => call.status)).toEqual(Array(10).fill(200));
    expect(client.state).toBe('authenticated');
  });

  it('late 401 reuses the newer token', async () => {
    const h = await expressHarness();
    const client = h.client();
    const rejected = await h.signExpired();
    await client.signIn(rejected);

    // R leaves with the old token, and the API keeps it waiting until another request has refreshed.
    const late = client.fetch(h.itemsUrl, { headers: { [holdHeader]: 'R' } });
    await h.api.arrival('R');

    const other = await client.fetch(h.itemsUrl);
    expect(other.status).toBe(200);
    expect(h.endpoint.calls).toBe(1);

    h.api.release('R');
    expect((await late).status).toBe(200);

    const renewed = h.endpoint.issued[0];
    expect(h.endpoint.calls).toBe(1);
    expect(h.api.calls.map((call) => call.token)).toEqual([rejected, rejected, renewed, renewed]);
  });
});

describe('proactive refresh', () => {
  it('refreshes once before any call', async () => {
    const h = await expressHarness();
    const client = h.client();
    await client.signIn();
    h.events.length = 0;

    // 900 s token: 20 s left is inside max(30 s, 10 % of 900 s) = 90 s.
    h.clock.advance(880_000);
    const responses = await times(10, () => client.fetch(h.itemsUrl));

    expect(responses.map((response) => response.status)).toEqual(Array(10).fill(200));
    expect(h.endpoint.calls).toBe(2);
    expect(h.events).toEqual(['token', ...Array(10).fill('api')]);
    expect(h.api.statuses()).not.toContain(401);
    expect(new Set(h.api.calls.map((call) => call.token))).toEqual(new Set([h.endpoint.issued[1]]));
  });

  it('does not refresh before the margin', async () => {
    const h = await expressHarness();
    const client = h.client();
    await client.signIn();

    h.clock.advance(809_000);
    await client.fetch(h.itemsUrl);
    expect(h.endpoint.calls).toBe(1);

    h.clock.advance(1_000);
    await client.fetch(h.itemsUrl);
    expect(h.endpoint.calls).toBe(2);
  });
});

describe('403 insufficient_scope', () => {
  it('reaches the caller without a refresh', async () => {
    const h = await expressHarness({ scope: 'read:items' });
    const client = h.client();
    await client.signIn(await h.sign());

    const responses = await times(5, () => client.fetch(h.itemsUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"a"}' }));

    for (const response of responses) {
      expect(response.status).toBe(403);
      expect(response.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
    }
    expect(h.endpoint.calls).toBe(0);
    expect(h.api.calls).toHaveLength(5);
    expect(client.state).toBe('authenticated');
  });
});

describe('503 key_source_unavailable', () => {
  it('waits Retry-After, keeps the session', async () => {
    const h = await startHarness('scripted');
    harness = h;
    h.api.script = (request) => (request.index <= 5 ? { kind: 'authOutage', code: 'key_source_unavailable', retryAfter: 2 } : undefined);

    const client = h.client();
    await client.signIn(await h.sign());
    const states: ClientState[] = [];
    client.subscribe((change) => states.push(change.current));

    const pending = times(5, () => client.fetch(h.itemsUrl));
    for (let waiting = 0; waiting < 5; waiting += 1) {
      expect((await h.clock.nextTimer()).delayMs).toBe(2000);
    }
    expect(h.api.received).toHaveLength(5);

    h.clock.advance(1999);
    expect(h.clock.foregroundTimers()).toHaveLength(5);

    h.clock.advance(1);
    const responses = await pending;

    expect(responses.map((response) => response.status)).toEqual(Array(5).fill(200));
    expect(h.api.received).toHaveLength(10);
    expect(h.endpoint.calls).toBe(0);
    expect(states).toEqual([]);
    expect(client.state).toBe('authenticated');
  });
});
