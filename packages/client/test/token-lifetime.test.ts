// When the client refreshes ahead of expiry: max(30 s, 10 % of the lifetime) before the end,
// measured from the local receive time with the issuer's `exp - iat`.
import { afterEach, describe, expect, it } from 'vitest';
import { createClient, type LatchkeyClient } from '@latchkey/client';
import { createTokenFactory, generateTestKey } from '@latchkey/test-fixtures';
import { type Harness, startHarness } from './support/harness.js';
import { ManualClock } from './support/manual-clock.js';
import type { ScriptedApi } from './support/scripted-api.js';

let harness: Harness<ScriptedApi> | undefined;
const clients: LatchkeyClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.dispose();
  await harness?.close();
  harness = undefined;
});

/** A client whose provider returns each given result in turn and counts its calls. */
function clientWithResults(clock: ManualClock, results: (() => Promise<string | { token: string; expiresIn?: number }>)[]) {
  const counter = { calls: 0 };
  const client = createClient({
    clock,
    lock: null,
    channel: null,
    tokenProvider: async () => {
      const next = results[counter.calls] ?? results[results.length - 1];
      counter.calls += 1;
      return next === undefined ? null : next();
    },
  });
  clients.push(client);
  return { client, counter };
}

describe('refresh margin', () => {
  it.each([
    [900, 90],
    [3600, 360],
    [300, 30],
    [120, 30],
    [40, 20],
  ])('lifetime %i s refreshes %i s early', async (lifetime, margin) => {
    const h = await startHarness('scripted', { lifetime });
    harness = h;
    h.startSession();
    const client = h.client();
    await client.signIn();

    h.clock.advance((lifetime - margin - 1) * 1000);
    await client.getToken();
    expect(h.endpoint.calls).toBe(1);

    h.clock.advance(1000);
    const renewed = await client.getToken();
    expect(h.endpoint.calls).toBe(2);
    expect(renewed).toBe(h.endpoint.issued[1]);
  });
});

describe('issuer time', () => {
  it('ignores the client clock offset', async () => {
    const key = await generateTestKey('ES256');
    const tokens = createTokenFactory({ issuer: 'https://issuer.example.com/', audience: 'https://api.example.com', key });
    const sign = () => {
      const now = Math.floor(Date.now() / 1000);
      return tokens.sign({ claims: { iat: now, exp: now + 900 } });
    };

    for (const offsetMs of [-10 * 365 * 86_400_000, 0, 3 * 86_400_000]) {
      const clock = new ManualClock(Date.now() + offsetMs);
      const { client, counter } = clientWithResults(clock, [sign]);

      await client.getToken();
      clock.advance(809_000);
      await client.getToken();
      expect(counter.calls).toBe(1);

      clock.advance(1_000);
      await client.getToken();
      expect(counter.calls).toBe(2);
    }
  });

  it('expiresIn times an opaque token', async () => {
    const clock = new ManualClock(0);
    const { client, counter } = clientWithResults(clock, [async () => ({ token: 'opaque-token-1', expiresIn: 600 })]);

    await client.getToken();
    clock.advance(539_000);
    await client.getToken();
    expect(counter.calls).toBe(1);

    clock.advance(1_000);
    await client.getToken();
    expect(counter.calls).toBe(2);
  });

  it('keeps an opaque token without expiry', async () => {
    const clock = new ManualClock(0);
    const { client, counter } = clientWithResults(clock, [async () => 'opaque-token-1']);

    await client.getToken();
    clock.advance(30 * 86_400_000);

    expect(await client.getToken()).toBe('opaque-token-1');
    expect(counter.calls).toBe(1);
    expect(client.state).toBe('authenticated');
  });
});

describe('invalid provider results', () => {
  it.each([
    ['token with a space', async () => 'not a token'],
    ['empty token', async () => ''],
    ['number', async () => 42 as unknown as string],
    ['zero expiresIn', async () => ({ token: 'opaque', expiresIn: 0 })],
  ])('%s fails the refresh', async (_name, result) => {
    const clock = new ManualClock(0);
    const client = createClient({ clock, lock: null, channel: null, refreshAttempts: 1, tokenProvider: result });
    clients.push(client);

    const error = await client.getToken().catch((caught: unknown) => caught);

    expect(error).toMatchObject({ name: 'TokenRefreshError', attempts: 1 });
    expect((error as Error).cause).toBeInstanceOf(TypeError);
    expect(client.state).toBe('error');
  });

  it('error message hides the token', async () => {
    const clock = new ManualClock(0);
    const client = createClient({ clock, lock: null, channel: null, refreshAttempts: 1, tokenProvider: async () => ({ token: 'secret value' }) });
    clients.push(client);

    const error = (await client.getToken().catch((caught: unknown) => caught)) as Error;

    expect(error.message).toContain('not a valid Bearer credential');
    expect(error.message).not.toContain('secret');
    expect(String((error.cause as Error).message)).not.toContain('secret');
  });
});
