import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { generateTestKey, signRawCompact, type TestKey } from '@latchkey/test-fixtures';
import { createVerifier, isLatchkeyError, type Verifier } from '@latchkey/core';
import { mutatedTokens, type MutationContext } from './support/token-mutations.js';

const ISSUER = 'https://auth.example.com/';
const AUDIENCE = 'https://api.example.com';
const T = 1_700_000_000;

let key: TestKey;
let verifier: Verifier;
let context: MutationContext;
let joseKeys: ReturnType<typeof createLocalJWKSet>;

beforeAll(async () => {
  key = await generateTestKey('RS256', 'k1');
  verifier = createVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: { keys: [key.publicJwk] }, algorithms: ['RS256'], clock: () => T * 1000 });
  joseKeys = createLocalJWKSet({ keys: [key.publicJwk] });
  context = {
    key,
    header: { alg: 'RS256', typ: 'JWT', kid: 'k1' },
    claims: { iss: ISSUER, aud: AUDIENCE, sub: 'user-123', iat: T - 60, exp: T + 3600, scope: 'read:items' },
  };
});

/** jose's own verdict under the same policy. */
async function joseAccepts(token: string): Promise<boolean> {
  try {
    await jwtVerify(token, joseKeys, {
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['RS256'],
      requiredClaims: ['exp'],
      clockTolerance: 5,
      currentDate: new Date(T * 1000),
    });
    return true;
  } catch {
    return false;
  }
}

describe('mutated tokens', () => {
  it('are never accepted when jose rejects them, and never escape as errors', async () => {
    let acceptedCount = 0;

    await fc.assert(
      fc.asyncProperty(mutatedTokens(context), async (pending) => {
        const { token } = await pending;

        let accepted = false;
        try {
          await verifier.verify(token);
          accepted = true;
        } catch (error) {
          expect(isLatchkeyError(error)).toBe(true);
          const rendered = verifier.render(error as Parameters<Verifier['render']>[0]);
          expect([400, 401, 403]).toContain(rendered.status);
        }

        if (accepted) {
          acceptedCount++;
          expect(await joseAccepts(token)).toBe(true);
        }
      }),
      { numRuns: 400 },
    );

    // Without some accepted tokens the property above would hold trivially.
    expect(acceptedCount).toBeGreaterThan(0);
  });

  it('start from a token both verifiers accept', async () => {
    const token = await signRawCompact(JSON.stringify(context.header), JSON.stringify(context.claims), key.privateKey, 'RS256');

    expect(await joseAccepts(token)).toBe(true);
    await expect(verifier.verify(token)).resolves.toMatchObject({ claims: { sub: 'user-123' } });
  });
});

describe('random strings', () => {
  it('are rejected with a 4xx failure', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.stringMatching(/^[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/)), async (input) => {
        const failure = await verifier.verify(input).then(
          () => undefined,
          (error: unknown) => error,
        );

        expect(isLatchkeyError(failure)).toBe(true);
        expect(verifier.render(failure as Parameters<Verifier['render']>[0]).status).toBe(401);
      }),
      { numRuns: 500 },
    );
  });

  it('in the Authorization header are answered without exceptions', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string().map((text) => `Bearer ${text}`)), async (header) => {
        const failure = await verifier.authenticate({ authorization: header }).then(
          () => undefined,
          (error: unknown) => error,
        );

        expect(isLatchkeyError(failure)).toBe(true);
        const rendered = verifier.render(failure as Parameters<Verifier['render']>[0]);
        expect([400, 401]).toContain(rendered.status);
        expect(rendered.headers['www-authenticate']).toMatch(/^Bearer realm="api"(, error="[a-z_]+", error_description="[\x20\x21\x23-\x5b\x5d-\x7e]*")?$/);
      }),
      { numRuns: 500 },
    );
  });
});
