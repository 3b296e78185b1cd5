import { afterEach, describe, expect, it } from 'vitest';
import { createClient, type ClientOptions } from '@latchkey/client';
import { audience, type Harness, startHarness } from './support/harness.js';
import { ScriptedApi } from './support/scripted-api.js';

let harness: Harness<ScriptedApi> | undefined;
let other: ScriptedApi | undefined;

afterEach(async () => {
  await other?.close();
  await harness?.close();
  other = undefined;
  harness = undefined;
});

const tokenProvider = async () => null;

describe('createClient options', () => {
  it.each([
    ['missing tokenProvider', {}, /option tokenProvider is missing/],
    ['fetch not a function', { tokenProvider, fetch: 'fetch' }, /option fetch must be a function, not string/],
    ['refreshAttempts 0', { tokenProvider, refreshAttempts: 0 }, /refreshAttempts must be a whole number of at least 1, not 0/],
    ['refreshAttempts 1.5', { tokenProvider, refreshAttempts: 1.5 }, /refreshAttempts must be a whole number/],
    ['negative maxRetryAfterMs', { tokenProvider, maxRetryAfterMs: -1 }, /maxRetryAfterMs must be a number of milliseconds, 0 or more, not -1/],
    ['NaN rejectionCooldownMs', { tokenProvider, rejectionCooldownMs: Number.NaN }, /rejectionCooldownMs must be a number/],
    ['empty tabSyncName', { tokenProvider, tabSyncName: '' }, /tabSyncName must be a non-empty string/],
    ['empty origins', { tokenProvider, origins: [] }, /origins must be a non-empty array/],
    ['origin not a URL', { tokenProvider, origins: ['api.example.com'] }, /origins contains "api.example.com", which is not an http or https origin/],
  ])('%s', (_name, options, message) => {
    expect(() => createClient(options as unknown as ClientOptions)).toThrow(message);
  });

  it('defaults share nothing in Node', () => {
    const client = createClient({ tokenProvider });

    expect(client.state).toBe('signed_out');
    client.dispose();
  });
});

describe('origins', () => {
  it('sends the token only to listed origins', async () => {
    const h = await startHarness('scripted');
    harness = h;
    other = await new ScriptedApi({ issuer: h.issuer.issuer, audience, jwksUri: h.issuer.jwksUri }).start();
    h.startSession();

    const client = h.client({ origins: [h.api.url] });
    await client.fetch(h.itemsUrl);
    await client.fetch(`${other.url}/api/items`);

    expect(h.api.tokensSent()).toEqual([h.endpoint.issued[0]]);
    expect(other.tokensSent()).toEqual([undefined]);
  });

  it('does not retry unlisted origins', async () => {
    const h = await startHarness('scripted');
    harness = h;
    other = await new ScriptedApi({ issuer: h.issuer.issuer, audience, jwksUri: h.issuer.jwksUri }).start();
    other.script = () => ({ kind: 'authOutage', code: 'key_source_unavailable', retryAfter: 1 });

    const client = h.client({ origins: [h.api.url] });
    const response = await client.fetch(`${other.url}/api/items`);

    expect(response.status).toBe(503);
    expect(other.received).toHaveLength(1);
    expect(h.endpoint.calls).toBe(0);
  });
});
