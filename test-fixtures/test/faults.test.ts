import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { generateTestKey, startIssuer } from '../src/index.js';
import type { IssuerFault, LocalIssuer, TestKey } from '../src/index.js';

let key: TestKey;
let issuer: LocalIssuer;

beforeAll(async () => {
  key = await generateTestKey('ES256');
});

beforeEach(async () => {
  issuer = await startIssuer({ keys: [key] });
});

afterEach(async () => {
  await issuer.close();
});

function hangingFetch(url: string): Promise<Response> {
  return fetch(url, { signal: AbortSignal.timeout(200) });
}

describe('refuse fault', () => {
  it('refuses connections', async () => {
    await issuer.fault({ kind: 'refuse' });

    await expect(fetch(issuer.jwksUri)).rejects.toMatchObject({ cause: { code: 'ECONNREFUSED' } });
  });

  it('closes keep-alive connections', async () => {
    await fetch(issuer.jwksUri);

    await issuer.fault({ kind: 'refuse' });

    await expect(fetch(issuer.discoveryUri)).rejects.toMatchObject({ cause: { code: 'ECONNREFUSED' } });
  });

  it('listens again on same port', async () => {
    await issuer.fault({ kind: 'refuse' });

    await issuer.clearFault();
    const response = await fetch(issuer.jwksUri);

    expect(response.status).toBe(200);
  });

  it('listens again on next fault', async () => {
    await issuer.fault({ kind: 'refuse' });

    await issuer.fault({ kind: 'emptyKeys' });
    const response = await fetch(issuer.jwksUri);

    expect(await response.json()).toEqual({ keys: [] });
  });

  it('close succeeds while refusing', async () => {
    await issuer.fault({ kind: 'refuse' });

    await expect(issuer.close()).resolves.toBeUndefined();
  });

  it('stays closed after close', async () => {
    await issuer.fault({ kind: 'refuse' });
    await issuer.close();

    await issuer.clearFault();

    await expect(fetch(issuer.jwksUri)).rejects.toMatchObject({ cause: { code: 'ECONNREFUSED' } });
  });

  it('rejects a path', async () => {
    const fault = { kind: 'refuse', path: 'jwks' } as IssuerFault;

    await expect(issuer.fault(fault)).rejects.toThrow(/Invalid issuer fault path: "jwks"/);
  });
});

describe('hang fault', () => {
  it('never responds', async () => {
    await issuer.fault({ kind: 'hang' });

    await expect(hangingFetch(issuer.jwksUri)).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  it('counts the hanging request', async () => {
    await issuer.fault({ kind: 'hang' });

    await hangingFetch(issuer.jwksUri).catch(() => undefined);

    expect(issuer.requests.jwks).toBe(1);
  });

  it('close ends hanging requests', async () => {
    await issuer.fault({ kind: 'hang' });
    const pending = fetch(issuer.jwksUri);
    await waitForRequest(issuer);

    await issuer.close();

    await expect(pending).rejects.toThrow(/fetch failed/);
  });

  it('clearFault ends hanging requests', async () => {
    await issuer.fault({ kind: 'hang' });
    const pending = fetch(issuer.jwksUri);
    await waitForRequest(issuer);

    await issuer.clearFault();

    await expect(pending).rejects.toThrow(/fetch failed/);
  });

  it('responds normally after clearFault', async () => {
    await issuer.fault({ kind: 'hang' });

    await issuer.clearFault();
    const response = await fetch(issuer.jwksUri);

    expect(response.status).toBe(200);
  });
});

describe('status fault', () => {
  it('sends the status', async () => {
    await issuer.fault({ kind: 'status', status: 503 });

    const response = await fetch(issuer.jwksUri);

    expect(response.status).toBe(503);
  });

  it('sends default HTML body', async () => {
    await issuer.fault({ kind: 'status', status: 503 });

    const response = await fetch(issuer.jwksUri);

    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await response.text()).toContain('503 Service Unavailable');
  });

  it('sends the given body', async () => {
    await issuer.fault({ kind: 'status', status: 500, body: 'boom', contentType: 'text/plain' });

    const response = await fetch(issuer.jwksUri);

    expect(response.headers.get('content-type')).toBe('text/plain');
    expect(await response.text()).toBe('boom');
  });

  it('rejects invalid status', async () => {
    await expect(issuer.fault({ kind: 'status', status: 42 })).rejects.toThrow(/Invalid issuer fault status: 42/);
  });
});

describe('html fault', () => {
  it('sends a sign-in page', async () => {
    await issuer.fault({ kind: 'html' });

    const response = await fetch(issuer.jwksUri);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await response.text()).toBe('<html><body>Sign in</body></html>');
  });
});

describe('notJson fault', () => {
  it('claims JSON content type', async () => {
    await issuer.fault({ kind: 'notJson' });

    const response = await fetch(issuer.jwksUri);

    expect(response.headers.get('content-type')).toBe('application/json');
  });

  it('sends unparsable body', async () => {
    await issuer.fault({ kind: 'notJson' });

    const response = await fetch(issuer.jwksUri);

    await expect(response.json()).rejects.toBeInstanceOf(SyntaxError);
  });
});

describe('emptyKeys fault', () => {
  it('sends an empty key set', async () => {
    await issuer.fault({ kind: 'emptyKeys' });

    const response = await fetch(issuer.jwksUri);

    expect(await response.text()).toBe('{"keys":[]}');
  });
});

describe('redirect fault', () => {
  it('sends 302 with location', async () => {
    const location = `${issuer.issuer}/moved/jwks.json`;
    await issuer.fault({ kind: 'redirect', location });

    const response = await fetch(issuer.jwksUri, { redirect: 'manual' });

    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(location);
  });

  it('rejects an empty location', async () => {
    await expect(issuer.fault({ kind: 'redirect', location: '' })).rejects.toThrow(/Invalid issuer fault location/);
  });
});

describe('slow fault', () => {
  it('delays the normal response', async () => {
    await issuer.fault({ kind: 'slow', delayMs: 100 });
    const started = performance.now();

    const response = await fetch(issuer.jwksUri);

    expect(await response.json()).toEqual({ keys: [key.publicJwk] });
    expect(performance.now() - started).toBeGreaterThanOrEqual(95);
  });

  it('close cancels pending responses', async () => {
    await issuer.fault({ kind: 'slow', delayMs: 200 });
    const pending = fetch(issuer.jwksUri);
    await waitForRequest(issuer);

    await issuer.close();

    await expect(pending).rejects.toThrow(/fetch failed/);
  });

  it('rejects a negative delay', async () => {
    await expect(issuer.fault({ kind: 'slow', delayMs: -1 })).rejects.toThrow(/Invalid issuer fault delayMs: -1/);
  });
});

describe('oversized fault', () => {
  it('pads to the exact size', async () => {
    await issuer.fault({ kind: 'oversized', bytes: 100_000 });

    const response = await fetch(issuer.jwksUri);

    expect((await response.arrayBuffer()).byteLength).toBe(100_000);
  });

  it('keeps the keys parsable', async () => {
    await issuer.fault({ kind: 'oversized', bytes: 100_000 });

    const response = await fetch(issuer.jwksUri);
    const body = (await response.json()) as { keys: unknown[] };

    expect(body.keys).toEqual([key.publicJwk]);
  });

  it('sends Content-Length', async () => {
    await issuer.fault({ kind: 'oversized', bytes: 50_000 });

    const response = await fetch(issuer.jwksUri);

    expect(response.headers.get('content-length')).toBe('50000');
  });

  it('rejects a fractional size', async () => {
    await expect(issuer.fault({ kind: 'oversized', bytes: 1.5 })).rejects.toThrow(/Invalid issuer fault bytes: 1.5/);
  });
});

describe('fault paths', () => {
  it('covers discovery by default', async () => {
    await issuer.fault({ kind: 'status', status: 503 });

    const response = await fetch(issuer.discoveryUri);

    expect(response.status).toBe(503);
  });

  it('jwks path spares discovery', async () => {
    await issuer.fault({ kind: 'status', status: 503, path: 'jwks' });

    const discovery = await fetch(issuer.discoveryUri);
    const jwks = await fetch(issuer.jwksUri);

    expect(discovery.status).toBe(200);
    expect(jwks.status).toBe(503);
  });

  it('discovery path covers both documents', async () => {
    await issuer.fault({ kind: 'html', path: 'discovery' });

    const openid = await fetch(issuer.discoveryUri);
    const oauth = await fetch(`${issuer.issuer}/.well-known/oauth-authorization-server`);

    expect(openid.headers.get('content-type')).toContain('text/html');
    expect(oauth.headers.get('content-type')).toContain('text/html');
  });

  it('discovery path spares JWKS', async () => {
    await issuer.fault({ kind: 'html', path: 'discovery' });

    const response = await fetch(issuer.jwksUri);

    expect(response.headers.get('content-type')).toBe('application/jwk-set+json');
  });

  it('unknown paths still 404', async () => {
    await issuer.fault({ kind: 'html' });

    const response = await fetch(`${issuer.issuer}/other`);

    expect(response.status).toBe(404);
  });

  it('rejects an unknown path', async () => {
    const fault = { kind: 'html', path: 'token' } as unknown as IssuerFault;

    await expect(issuer.fault(fault)).rejects.toThrow(/Invalid issuer fault path: "token"/);
  });

  it('rejects an unknown kind', async () => {
    const fault = { kind: 'explode' } as unknown as IssuerFault;

    await expect(issuer.fault(fault)).rejects.toThrow(/Invalid issuer fault kind: "explode"/);
  });
});

describe('clearFault', () => {
  it('restores normal responses', async () => {
    await issuer.fault({ kind: 'status', status: 503 });

    await issuer.clearFault();
    const response = await fetch(issuer.jwksUri);

    expect(response.status).toBe(200);
  });

  it('is safe without a fault', async () => {
    await expect(issuer.clearFault()).resolves.toBeUndefined();
  });
});

/** Resolves once the issuer has received a request, so the request is pending on the server. */
async function waitForRequest(target: LocalIssuer): Promise<void> {
  while (target.requests.total === 0) {
    await new Promise((resolve) => setImmediate(resolve));
  }
}
