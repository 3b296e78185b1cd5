// Re-sending requests with bodies: a buffered body goes out again byte for byte, a streamed body
// never goes out twice, and only 503s of the authentication layer are waited out and re-sent.
import { afterEach, describe, expect, it } from 'vitest';
import { NotReplayableError } from '@latchkey/client';
import { type Harness, startHarness } from './support/harness.js';
import type { ScriptedApi } from './support/scripted-api.js';

let harness: Harness<ScriptedApi> | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** Starts a harness whose client has a token that the API rejects as expired. */
async function startWithRejectedToken() {
  const h = await startHarness('scripted');
  harness = h;
  h.startSession();

  const client = h.client();
  const rejected = await h.signExpired();
  await client.signIn(rejected);
  return { h, client, rejected };
}

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

describe('buffered bodies after 401', () => {
  it('replays a Request body', async () => {
    const { h, client, rejected } = await startWithRejectedToken();

    const response = await client.fetch(new Request(h.itemsUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"a"}' }));

    expect(response.status).toBe(201);
    expect(h.api.tokensSent()).toEqual([rejected, h.endpoint.issued[0]]);
    expect(h.api.received.map((request) => request.body.toString())).toEqual(['{"name":"a"}', '{"name":"a"}']);
    expect(h.api.received.map((request) => request.contentType)).toEqual(['application/json', 'application/json']);
    expect(h.api.handlerRuns).toBe(1);
    expect(h.endpoint.calls).toBe(1);
  });

  it('replays FormData with its boundary', async () => {
    const { h, client } = await startWithRejectedToken();
    const file = new Uint8Array(200 * 1024).map((_, index) => index % 251);
    const form = new FormData();
    form.append('name', 'a');
    form.append('file', new Blob([file], { type: 'application/octet-stream' }), 'data.bin');

    const response = await client.fetch(h.itemsUrl, { method: 'POST', body: form });

    expect(response.status).toBe(201);
    const [first, retry] = h.api.received;
    expect(retry?.body.equals(first?.body ?? Buffer.alloc(0))).toBe(true);
    expect(retry?.contentType).toBe(first?.contentType);

    const boundary = /boundary=(.+)$/.exec(retry?.contentType ?? '')?.[1] ?? 'missing';
    expect(retry?.body.includes(`--${boundary}`)).toBe(true);
    expect(retry?.body.includes(Buffer.from(file))).toBe(true);
    expect(h.api.handlerRuns).toBe(1);
  });

  const bodies: [kind: string, body: () => BodyInit, contentType: string | undefined][] = [
    ['string', () => 'plain text', 'text/plain;charset=UTF-8'],
    ['URLSearchParams', () => new URLSearchParams({ q: '1', name: 'a b' }), 'application/x-www-form-urlencoded;charset=UTF-8'],
    ['Blob', () => new Blob(['{"name":"b"}'], { type: 'application/json' }), 'application/json'],
    ['Uint8Array', () => new TextEncoder().encode('bytes'), undefined],
    ['ArrayBuffer', () => new TextEncoder().encode('buffer').buffer, undefined],
  ];

  it.each(bodies)('replays a %s body', async (_kind, body, contentType) => {
    const { h, client } = await startWithRejectedToken();

    const response = await client.fetch(h.itemsUrl, { method: 'POST', body: body() });

    expect(response.status).toBe(201);
    const [first, retry] = h.api.received;
    expect(retry?.body.length).toBeGreaterThan(0);
    expect(retry?.body.equals(first?.body ?? Buffer.alloc(0))).toBe(true);
    expect(retry?.contentType).toBe(contentType);
    expect(h.api.handlerRuns).toBe(1);
  });
});

describe('streamed body after 401', () => {
  it('refreshes but does not re-send', async () => {
    const { h, client } = await startWithRejectedToken();

    const sending = client.fetch(h.itemsUrl, { method: 'POST', body: streamOf(['a', 'b', 'c']), duplex: 'half' } as RequestInit);

    const error: unknown = await sending.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NotReplayableError);
    expect((error as NotReplayableError).response.status).toBe(401);
    expect(h.endpoint.calls).toBe(1);
    expect(h.api.received).toHaveLength(1);
    expect(h.api.received[0]?.body.toString()).toBe('abc');
    expect(h.api.handlerRuns).toBe(0);
  });

  it('a new stream uses the new token', async () => {
    const { h, client } = await startWithRejectedToken();
    await client.fetch(h.itemsUrl, { method: 'POST', body: streamOf(['a']), duplex: 'half' } as RequestInit).catch(() => undefined);

    const response = await client.fetch(h.itemsUrl, { method: 'POST', body: streamOf(['a', 'b', 'c']), duplex: 'half' } as RequestInit);

    expect(response.status).toBe(201);
    expect(h.api.bodies.map((body) => body.bytes.toString())).toEqual(['abc']);
    expect(h.endpoint.calls).toBe(1);
  });
});

describe('503 on POST', () => {
  it.each(['key_source_unavailable', 'revocation_unavailable'] as const)('re-sends after Retry-After for %s', async (code) => {
    const h = await startHarness('scripted');
    harness = h;
    h.api.script = (request) => (request.index === 1 ? { kind: 'authOutage', code, retryAfter: 1 } : undefined);
    const client = h.client();
    await client.signIn(await h.sign());

    const pending = client.fetch(h.itemsUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"a"}' });

    expect((await h.clock.nextTimer()).delayMs).toBe(1000);
    h.clock.advance(999);
    expect(h.api.received).toHaveLength(1);
    expect(h.clock.foregroundTimers()).toHaveLength(1);
    h.clock.advance(1);

    expect((await pending).status).toBe(201);
    expect(h.api.received.map((request) => request.body.toString())).toEqual(['{"name":"a"}', '{"name":"a"}']);
    expect(h.api.handlerRuns).toBe(1);
    expect(h.endpoint.calls).toBe(0);
  });

  it('returns a handler 503 unchanged', async () => {
    const h = await startHarness('scripted');
    harness = h;
    h.api.script = () => ({ kind: 'handlerUnavailable' });
    const client = h.client();
    await client.signIn(await h.sign());

    const response = await client.fetch(h.itemsUrl, { method: 'POST', body: '{"name":"a"}' });

    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ message: 'The item store is unavailable' });
    expect(h.api.received).toHaveLength(1);
    expect(h.api.handlerRuns).toBe(1);
    expect(h.clock.foregroundTimers()).toHaveLength(0);
  });

  it('does not wait past maxRetryAfterMs', async () => {
    const h = await startHarness('scripted');
    harness = h;
    h.api.script = () => ({ kind: 'authOutage', code: 'key_source_unavailable', retryAfter: 31 });
    const client = h.client();
    await client.signIn(await h.sign());

    const response = await client.fetch(h.itemsUrl, { method: 'POST', body: '{"name":"a"}' });

    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('31');
    expect(h.api.received).toHaveLength(1);
  });

  it('does not re-send a stream', async () => {
    const h = await startHarness('scripted');
    harness = h;
    h.api.script = () => ({ kind: 'authOutage', code: 'key_source_unavailable', retryAfter: 1 });
    const client = h.client();
    await client.signIn(await h.sign());

    const response = await client.fetch(h.itemsUrl, { method: 'POST', body: streamOf(['a']), duplex: 'half' } as RequestInit);

    expect(response.status).toBe(503);
    expect(h.api.received).toHaveLength(1);
  });
});

describe('connection reset after send', () => {
  it('reaches the caller without a re-send', async () => {
    const h = await startHarness('scripted');
    harness = h;
    h.api.script = () => ({ kind: 'resetAfterHandler' });
    const client = h.client();
    await client.signIn(await h.sign());

    await expect(client.fetch(h.itemsUrl, { method: 'POST', body: '{"name":"a"}' })).rejects.toThrow(TypeError);

    expect(h.api.received).toHaveLength(1);
    expect(h.api.handlerRuns).toBe(1);
    expect(client.state).toBe('authenticated');
  });
});

describe('aborted wait', () => {
  it('rejects with the abort reason', async () => {
    const h = await startHarness('scripted');
    harness = h;
    h.api.script = () => ({ kind: 'authOutage', code: 'key_source_unavailable', retryAfter: 5 });
    const client = h.client();
    await client.signIn(await h.sign());
    const controller = new AbortController();

    const pending = client.fetch(h.itemsUrl, { signal: controller.signal });
    await h.clock.nextTimer();
    controller.abort(new Error('The user left the page'));

    await expect(pending).rejects.toThrow('The user left the page');
    expect(h.clock.foregroundTimers()).toHaveLength(0);
    expect(h.api.received).toHaveLength(1);
  });
});
