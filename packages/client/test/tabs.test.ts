// Two tabs of one browser, played by two clients that share a cookie jar, a lock manager and a
// BroadcastChannel name. The real browser check (navigator.locks in Chromium) is the end-to-end
// test's job; here the lock is an in-memory stand-in and the channel is Node's BroadcastChannel.
import { afterEach, describe, expect, it } from 'vitest';
import type { ClientState, LatchkeyClient } from '@latchkey/client';
import { type Harness, type HarnessOptions, startHarness } from './support/harness.js';
import { ChannelHub } from './support/channel-hub.js';
import { SharedLockManager } from './support/lock-manager.js';
import type { ScriptedApi } from './support/scripted-api.js';

let harness: Harness<ScriptedApi> | undefined;
const channels: BroadcastChannel[] = [];

afterEach(async () => {
  await harness?.close();
  harness = undefined;
  for (const channel of channels.splice(0)) channel.close();
});

interface Tab {
  client: LatchkeyClient;
  states: ClientState[];
}

interface TabSetup {
  lock: boolean;
  channel: boolean;
}

async function openTabs(options: HarnessOptions, setup: TabSetup) {
  const h = await startHarness('scripted', options);
  harness = h;
  h.startSession();

  const lock = new SharedLockManager();
  const name = `latchkey-test-${Math.random().toString(16).slice(2)}`;

  const open = (): Tab => {
    const channel = setup.channel ? new BroadcastChannel(name) : null;
    if (channel !== null) channels.push(channel);

    const client = h.client({ lock: setup.lock ? lock : null, channel, tabSyncName: name });
    const states: ClientState[] = [];
    client.subscribe((change) => states.push(change.current));
    return { client, states };
  };

  return { h, lock, tabs: [open(), open()] as const };
}

/** Resolves when the client reaches `state`. */
function reach(client: LatchkeyClient, state: ClientState): Promise<void> {
  if (client.state === state) return Promise.resolve();

  return new Promise((resolve) => {
    const stop = client.subscribe((change) => {
      if (change.current !== state) return;
      stop();
      resolve();
    });
  });
}

/** Signs in on the first tab, waits until the second has the same token, then lets it expire. */
async function signInBothAndExpire(h: Harness<ScriptedApi>, first: Tab, second: Tab): Promise<void> {
  const adopted = reach(second.client, 'authenticated');
  await first.client.signIn();
  await adopted;

  h.clock.advance(901_000);
  expect(first.client.state).toBe('expired');
  expect(second.client.state).toBe('expired');
}

function threeCalls(h: Harness<ScriptedApi>, tab: Tab): Promise<Response[]> {
  return Promise.all([1, 2, 3].map(() => tab.client.fetch(h.itemsUrl)));
}

describe('two tabs wake with an expired token', () => {
  it('rotating credential is redeemed once', async () => {
    const { h, lock, tabs } = await openTabs({ rotation: true }, { lock: true, channel: true });
    const [first, second] = tabs;
    await signInBothAndExpire(h, first, second);

    const responses = (await Promise.all([threeCalls(h, first), threeCalls(h, second)])).flat();

    expect(responses.map((response) => response.status)).toEqual(Array(6).fill(200));
    expect(h.endpoint.calls).toBe(2);
    expect(h.endpoint.reuseEvents).toBe(0);
    expect(new Set(h.endpoint.redeemed).size).toBe(h.endpoint.redeemed.length);
    expect(lock.waits).toBeGreaterThan(0);
    expect(first.client.state).toBe('authenticated');
    expect(second.client.state).toBe('authenticated');
    expect(new Set(h.api.tokensSent())).toEqual(new Set([h.endpoint.issued[1]]));
  });

  it('Better Auth session keeps both tabs in', async () => {
    const { h, tabs } = await openTabs({}, { lock: true, channel: true });
    const [first, second] = tabs;
    await signInBothAndExpire(h, first, second);

    const responses = (await Promise.all([threeCalls(h, first), threeCalls(h, second)])).flat();

    expect(responses.map((response) => response.status)).toEqual(Array(6).fill(200));
    expect(h.endpoint.calls).toBeLessThanOrEqual(3);
    expect(first.states).not.toContain('signed_out');
    expect(second.states).not.toContain('signed_out');
  });

  it('lock alone serializes the refreshes', async () => {
    const { h, tabs } = await openTabs({ rotation: true }, { lock: true, channel: false });
    const [first, second] = tabs;
    await first.client.signIn();
    await second.client.signIn(h.endpoint.issued[0]);
    h.clock.advance(901_000);

    const responses = (await Promise.all([threeCalls(h, first), threeCalls(h, second)])).flat();

    expect(responses.map((response) => response.status)).toEqual(Array(6).fill(200));
    expect(h.endpoint.calls).toBe(3);
    expect(h.endpoint.reuseEvents).toBe(0);
  });

  it('without a lock the race revokes the session', async () => {
    const { h, tabs } = await openTabs({ rotation: true }, { lock: false, channel: false });
    const [first, second] = tabs;
    await first.client.signIn();
    await second.client.signIn(h.endpoint.issued[0]);
    h.clock.advance(901_000);

    await Promise.all([threeCalls(h, first), threeCalls(h, second)]);

    // The hazard the lock prevents: both tabs redeemed the same credential.
    expect(h.endpoint.reuseEvents).toBe(1);
    expect([first.client.state, second.client.state]).toContain('signed_out');
  });
});

describe('tab messages', () => {
  it('sign-out reaches the other tab', async () => {
    const { h, tabs } = await openTabs({}, { lock: true, channel: true });
    const [first, second] = tabs;
    const adopted = reach(second.client, 'authenticated');
    await first.client.signIn();
    await adopted;

    const signedOut = reach(second.client, 'signed_out');
    await first.client.signOut();
    await signedOut;

    expect(await second.client.getToken()).toBeNull();
    expect(h.endpoint.signOutCalls).toBe(1);
    expect(h.endpoint.calls).toBe(1);
  });

  it('keeps a token that lasts longer', async () => {
    const h = await startHarness('scripted');
    harness = h;
    h.startSession();
    const hub = new ChannelHub();
    const first = h.client({ channel: hub.open() });
    const second = h.client({ channel: hub.open() });

    await second.signIn();
    const own = await second.getToken();
    await first.signIn({ token: await h.sign(), expiresIn: 100 });

    expect(await second.getToken()).toBe(own);
  });

  it('takes a token when its own expired', async () => {
    const h = await startHarness('scripted');
    harness = h;
    h.startSession();
    const hub = new ChannelHub();
    const first = h.client({ channel: hub.open() });
    const second = h.client({ channel: hub.open() });

    await second.signIn();
    h.clock.advance(901_000);
    expect(second.state).toBe('expired');

    const shared = await h.sign();
    await first.signIn(shared);

    expect(second.state).toBe('authenticated');
    expect(await second.getToken()).toBe(shared);
    expect(h.endpoint.calls).toBe(1);
  });

  it('ignores foreign messages', async () => {
    const h = await startHarness('scripted');
    harness = h;
    h.startSession();
    const hub = new ChannelHub();
    const sender = hub.open();
    const client = h.client({ channel: hub.open() });
    await client.signIn();

    sender.postMessage({ type: 'signed-out' });
    sender.postMessage({ protocol: 'latchkey-client/1', type: 'token', grant: { token: 42 } });
    sender.postMessage('signed-out');

    expect(client.state).toBe('authenticated');
  });
});
