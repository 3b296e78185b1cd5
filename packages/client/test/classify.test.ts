import { describe, expect, it } from 'vitest';
import { classifyResponse } from '../src/classify.js';

const now = Date.parse('2023-11-14T22:13:20Z');
const problem = 'application/problem+json';

function response(status: number, headers: Record<string, string>, body?: unknown): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), { status, headers });
}

describe('classifyResponse', () => {
  it.each([
    ['200', response(200, {}), 'token_accepted'],
    ['204', response(204, {}), 'token_accepted'],
    ['401 invalid_token', response(401, { 'www-authenticate': 'Bearer realm="api", error="invalid_token"' }), 'token_rejected'],
    ['401 bare', response(401, { 'www-authenticate': 'Bearer realm="api"', 'content-type': problem }, { code: 'credentials_missing' }), 'credentials_requested'],
    ['401 no challenge', response(401, {}), 'credentials_requested'],
    ['401 Basic only', response(401, { 'www-authenticate': 'Basic realm="x"' }), 'credentials_requested'],
    ['401 body only', response(401, { 'content-type': problem }, { code: 'token_expired', error: 'invalid_token' }), 'token_rejected'],
    ['401 header wins', response(401, { 'www-authenticate': 'Bearer error="invalid_request"', 'content-type': problem }, { error: 'invalid_token' }), 'final'],
    ['401 insufficient_scope', response(401, { 'www-authenticate': 'Bearer error="insufficient_scope"' }), 'final'],
    ['403 insufficient_scope', response(403, { 'www-authenticate': 'Bearer error="insufficient_scope", scope="write:items"' }), 'token_accepted'],
    ['403 body only', response(403, { 'content-type': problem }, { error: 'insufficient_scope' }), 'token_accepted'],
    ['403 other', response(403, { 'content-type': 'text/plain' }), 'final'],
    ['400 invalid_request', response(400, { 'www-authenticate': 'Bearer error="invalid_request"' }), 'final'],
    ['500', response(500, {}), 'final'],
    ['503 handler', response(503, { 'retry-after': '1', 'content-type': 'application/json' }, { message: 'down' }), 'final'],
    ['503 text', response(503, { 'retry-after': '1', 'content-type': 'text/plain' }), 'final'],
  ])('%s', async (_name, input, kind) => {
    expect((await classifyResponse(input, now)).kind).toBe(kind);
  });

  it.each(['key_source_unavailable', 'revocation_unavailable'])('503 %s is an outage', async (code) => {
    const outage = response(503, { 'retry-after': '3', 'content-type': problem }, { code });

    expect(await classifyResponse(outage, now)).toEqual({ kind: 'auth_outage', retryAfterMs: 3000 });
  });

  it('leaves the body readable', async () => {
    const input = response(401, { 'content-type': problem }, { error: 'invalid_token' });

    await classifyResponse(input, now);

    expect(await input.json()).toEqual({ error: 'invalid_token' });
  });

  it('skips an oversized body', async () => {
    const input = new Response(`{"error":"invalid_token","pad":"${'x'.repeat(20_000)}"}`, { status: 401, headers: { 'content-type': problem } });

    expect((await classifyResponse(input, now)).kind).toBe('credentials_requested');
  });
});
