import { connect } from 'node:net';

import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { createTokenFactory, generateTestKey, generateTestKeys, startIssuer } from '../src/index.js';
import type { LocalIssuer, TestKey } from '../src/index.js';

let keys: { rsa: TestKey; ec: TestKey; ed: TestKey };
let issuer: LocalIssuer;

beforeAll(async () => {
  keys = await generateTestKeys();
});

beforeEach(async () => {
  issuer = await startIssuer({ keys: [keys.rsa, keys.ec] });
});

afterEach(async () => {
  await issuer.close();
});

async function getJson(url: string): Promise<Record<string, unknown>> {
  const response = await fetch(url);

  return (await response.json()) as Record<string, unknown>;
}

describe('startIssuer addresses', () => {
  it('uses loopback issuer URL', () => {
    expect(issuer.issuer).toBe(`http://127.0.0.1:${issuer.port}`);
  });

  it('derives the JWKS URI', () => {
    expect(issuer.jwksUri).toBe(`${issuer.issuer}/.well-known/jwks.json`);
  });

  it('rejects a non-loopback host', async () => {
    await expect(startIssuer({ keys: [], host: '0.0.0.0' as '127.0.0.1' })).rejects.toThrow(/Invalid issuer host "0.0.0.0"/);
  });
});

describe('JWKS endpoint', () => {
  it('serves the published keys', async () => {
    const jwks = await getJson(issuer.jwksUri);

    expect(jwks).toEqual({ keys: [keys.rsa.publicJwk, keys.ec.publicJwk] });
  });

  it('sends JWK Set content type', async () => {
    const response = await fetch(issuer.jwksUri);

    expect(response.headers.get('content-type')).toBe('application/jwk-set+json');
  });

  it('sends no Cache-Control by default', async () => {
    const response = await fetch(issuer.jwksUri);

    expect(response.headers.get('cache-control')).toBeNull();
  });

  it('uses configured content type', async () => {
    const jsonIssuer = await startIssuer({ keys: [keys.ec], jwksContentType: 'application/json' });

    const response = await fetch(jsonIssuer.jwksUri);
    await jsonIssuer.close();

    expect(response.headers.get('content-type')).toBe('application/json');
  });

  it('ignores the query string', async () => {
    const response = await fetch(`${issuer.jwksUri}?v=2`);

    expect(response.status).toBe(200);
  });

  it('answers HEAD without body', async () => {
    const response = await fetch(issuer.jwksUri, { method: 'HEAD' });

    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
  });

  it('rejects POST with 405', async () => {
    const response = await fetch(issuer.jwksUri, { method: 'POST', body: '{}' });

    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
  });
});

describe('discovery endpoints', () => {
  it('serves OpenID configuration', async () => {
    const metadata = await getJson(`${issuer.issuer}/.well-known/openid-configuration`);

    expect(metadata).toEqual({
      issuer: issuer.issuer,
      jwks_uri: issuer.jwksUri,
      id_token_signing_alg_values_supported: ['RS256', 'ES256'],
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
    });
  });

  it('serves RFC 8414 metadata', async () => {
    const metadata = await getJson(`${issuer.issuer}/.well-known/oauth-authorization-server`);

    expect(metadata).toEqual({ issuer: issuer.issuer, jwks_uri: issuer.jwksUri, response_types_supported: ['code'] });
  });

  it('exposes discovery URI', () => {
    expect(issuer.discoveryUri).toBe(`${issuer.issuer}/.well-known/openid-configuration`);
  });

  it('applies discovery overrides', async () => {
    issuer.setDiscovery({ issuer: 'http://127.0.0.1:1', extra: true });

    const metadata = await getJson(issuer.discoveryUri);

    expect(metadata['issuer']).toBe('http://127.0.0.1:1');
    expect(metadata['extra']).toBe(true);
  });

  it('removes undefined override fields', async () => {
    issuer.setDiscovery({ jwks_uri: undefined });

    const metadata = await getJson(`${issuer.issuer}/.well-known/oauth-authorization-server`);

    expect(metadata).not.toHaveProperty('jwks_uri');
  });

  it('returns 404 when disabled', async () => {
    issuer.setDiscovery(null);

    const openid = await fetch(issuer.discoveryUri);
    const oauth = await fetch(`${issuer.issuer}/.well-known/oauth-authorization-server`);

    expect(openid.status).toBe(404);
    expect(oauth.status).toBe(404);
  });

  it('restores with empty overrides', async () => {
    issuer.setDiscovery(null);
    issuer.setDiscovery({});

    const response = await fetch(issuer.discoveryUri);

    expect(response.status).toBe(200);
  });
});

/** Sends one raw HTTP/1.1 request line and returns the status line of the response. */
function sendRawRequestLine(port: number, requestLine: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(`${requestLine}\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
    });
    let received = '';

    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      received += chunk;
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(received.split('\r\n')[0] ?? ''));
  });
}

describe('unknown paths', () => {
  it('return 404', async () => {
    const response = await fetch(`${issuer.issuer}/token`);

    expect(response.status).toBe(404);
  });

  it('unparsable target returns 404', async () => {
    const statusLine = await sendRawRequestLine(issuer.port, 'GET http://[bad HTTP/1.1');

    expect(statusLine).toBe('HTTP/1.1 404 Not Found');
    expect(issuer.log[0]?.path).toBe('http://[bad');
  });
});

describe('request counting', () => {
  it('counts JWKS requests', async () => {
    await fetch(issuer.jwksUri);
    await fetch(issuer.jwksUri);

    expect(issuer.requests).toEqual({ jwks: 2, discovery: 0, total: 2 });
  });

  it('counts both discovery documents', async () => {
    await fetch(issuer.discoveryUri);
    await fetch(`${issuer.issuer}/.well-known/oauth-authorization-server`);

    expect(issuer.requests).toEqual({ jwks: 0, discovery: 2, total: 2 });
  });

  it('counts unknown paths in total', async () => {
    await fetch(`${issuer.issuer}/nowhere`);

    expect(issuer.requests).toEqual({ jwks: 0, discovery: 0, total: 1 });
  });

  it('logs method, path and time', async () => {
    const before = Date.now();

    await fetch(`${issuer.jwksUri}?x=1`);

    expect(issuer.log).toEqual([{ method: 'GET', path: '/.well-known/jwks.json', at: expect.any(Number) }]);
    expect(issuer.log[0]?.at).toBeGreaterThanOrEqual(before);
  });

  it('resets counts and log', async () => {
    await fetch(issuer.jwksUri);

    issuer.resetCounts();

    expect(issuer.requests).toEqual({ jwks: 0, discovery: 0, total: 0 });
    expect(issuer.log).toEqual([]);
  });

  it('returns count snapshots', async () => {
    const snapshot = issuer.requests;

    await fetch(issuer.jwksUri);

    expect(snapshot.jwks).toBe(0);
  });

  it('counts jose key fetches', async () => {
    const factory = createTokenFactory({ issuer: issuer.issuer, audience: 'api', key: keys.ec });
    const jwks = createRemoteJWKSet(new URL(issuer.jwksUri));

    await jwtVerify(await factory.sign(), jwks);

    expect(issuer.requests.jwks).toBe(1);
  });
});

describe('key management', () => {
  it('lists published kids', () => {
    expect(issuer.publishedKids()).toEqual([keys.rsa.kid, keys.ec.kid]);
  });

  it('setKeys replaces the keys', async () => {
    issuer.setKeys([keys.ed]);

    const jwks = await getJson(issuer.jwksUri);

    expect(jwks).toEqual({ keys: [keys.ed.publicJwk] });
  });

  it('rotate drops old keys', async () => {
    const next = await generateTestKey('ES256');

    issuer.rotate(next);

    expect(issuer.publishedKids()).toEqual([next.kid]);
  });

  it('rotate keeps old keys', async () => {
    const next = await generateTestKey('ES256');

    issuer.rotate(next, { keepOld: true });

    expect(issuer.publishedKids()).toEqual([next.kid, keys.rsa.kid, keys.ec.kid]);
  });

  it('rotate serves the new key', async () => {
    const next = await generateTestKey('EdDSA');
    const factory = createTokenFactory({ issuer: issuer.issuer, audience: 'api', key: next });

    issuer.rotate(next);
    const { protectedHeader } = await jwtVerify(await factory.sign(), createRemoteJWKSet(new URL(issuer.jwksUri)));

    expect(protectedHeader.kid).toBe(next.kid);
  });

  it('rotate updates discovery algorithms', async () => {
    issuer.rotate(keys.ed);

    const metadata = await getJson(issuer.discoveryUri);

    expect(metadata['id_token_signing_alg_values_supported']).toEqual(['EdDSA']);
  });

  it('setJwks serves raw JSON', async () => {
    const raw = { keys: [{ kty: 'RSA', kid: 'broken', n: 'not base64!' }] };

    issuer.setJwks(raw);

    expect(await getJson(issuer.jwksUri)).toEqual(raw);
  });

  it('setJwks lists raw kids', () => {
    issuer.setJwks({ keys: [{ kid: 'a' }, { kid: 7 }, 'junk', { kid: 'b' }] });

    expect(issuer.publishedKids()).toEqual(['a', 'b']);
  });

  it('setJwks snapshots the value', async () => {
    const raw = { keys: [] as unknown[] };

    issuer.setJwks(raw);
    raw.keys.push({ kid: 'late' });

    expect(issuer.publishedKids()).toEqual([]);
  });

  it('setJwks serves non-object JSON', async () => {
    issuer.setJwks(null);

    const response = await fetch(issuer.jwksUri);

    expect(await response.text()).toBe('null');
  });

  it('setJwks rejects undefined', () => {
    expect(() => issuer.setJwks(undefined)).toThrow(/Cannot serve undefined as a JWK Set/);
  });

  it('setKeys replaces raw JWKS', () => {
    issuer.setJwks({ keys: [] });

    issuer.setKeys([keys.ec]);

    expect(issuer.publishedKids()).toEqual([keys.ec.kid]);
  });
});

describe('JWKS extra headers', () => {
  it('sends Cache-Control and Expires', async () => {
    const expires = new Date(Date.now() + 60_000).toUTCString();
    issuer.setHeaders({ 'Cache-Control': 'max-age=60', Expires: expires });

    const response = await fetch(issuer.jwksUri);

    expect(response.headers.get('cache-control')).toBe('max-age=60');
    expect(response.headers.get('expires')).toBe(expires);
  });

  it('replaces earlier headers', async () => {
    issuer.setHeaders({ 'Cache-Control': 'max-age=60' });
    issuer.setHeaders({});

    const response = await fetch(issuer.jwksUri);

    expect(response.headers.get('cache-control')).toBeNull();
  });

  it('can override content type', async () => {
    issuer.setHeaders({ 'content-type': 'application/json' });

    const response = await fetch(issuer.jwksUri);

    expect(response.headers.get('content-type')).toBe('application/json');
  });

  it('are not sent on discovery', async () => {
    issuer.setHeaders({ 'Cache-Control': 'max-age=60' });

    const response = await fetch(issuer.discoveryUri);

    expect(response.headers.get('cache-control')).toBeNull();
  });

  it('rejects invalid header values', () => {
    expect(() => issuer.setHeaders({ 'Cache-Control': 'a\r\nX-Injected: 1' })).toThrow(/Cache-Control/);
  });
});

describe('issuer close', () => {
  it('is idempotent', async () => {
    await issuer.close();

    await expect(issuer.close()).resolves.toBeUndefined();
  });

  it('refuses connections afterwards', async () => {
    await issuer.close();

    await expect(fetch(issuer.jwksUri)).rejects.toMatchObject({ cause: { code: 'ECONNREFUSED' } });
  });

  it('closes keep-alive connections', async () => {
    await fetch(issuer.jwksUri);

    await expect(issuer.close()).resolves.toBeUndefined();
  });

  it('rejects faults after close', async () => {
    await issuer.close();

    await expect(issuer.fault({ kind: 'html' })).rejects.toThrow(/issuer at .* is closed/);
  });
});
