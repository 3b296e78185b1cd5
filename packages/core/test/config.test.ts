import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigurationError, createVerifier, type Verifier, type VerifierOptions } from '@latchkey/core';

/** Returns the settings of a single-issuer verifier's one issuer. */
function issuerOf(verifier: Verifier) {
  const { issuers } = verifier.config;
  if (issuers.kind !== 'list' || issuers.entries[0] === undefined) throw new Error('expected one listed issuer');
  return issuers.entries[0];
}

const base = {
  issuer: 'https://auth.example.com/',
  audience: 'https://api.example.com',
  jwksUri: 'https://auth.example.com/.well-known/jwks.json',
} satisfies VerifierOptions;

function configurationErrorOf(options: unknown): ConfigurationError {
  try {
    createVerifier(options as VerifierOptions);
  } catch (error) {
    if (error instanceof ConfigurationError) return error;
    throw error;
  }
  throw new Error('expected a ConfigurationError');
}

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const weakRsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ed = generateKeyPairSync('ed25519');

describe('createVerifier configuration', () => {
  it('accepts the minimal options', () => {
    expect(issuerOf(createVerifier(base)).algorithms).toContain('RS256');
  });

  it.each([
    ['issuer', { ...base, issuer: undefined }, 'is missing'],
    ['audience', { ...base, audience: undefined }, 'is missing'],
    ['issuer', { ...base, issuer: '' }, 'empty'],
    ['audience', { ...base, audience: '' }, 'empty'],
    ['issuer', { ...base, issuer: [] }, 'non-empty'],
    ['audience', { ...base, audience: ['ok', ''] }, 'empty'],
    ['issuer', { ...base, issuer: /auth/g }, 'non-empty string'],
    ['jwksUri', { issuer: base.issuer, audience: base.audience }, 'is missing'],
    ['jwksUri', { ...base, jwksUri: 'http://auth.example.com/jwks' }, 'must use https'],
    ['jwksUri', { ...base, jwksUri: 'not a url' }, 'not a valid URL'],
    ['jwksUri', { ...base, jwksUri: 'https://user:pw@auth.example.com/jwks' }, 'credentials'],
    ['jwksUri/secret', { ...base, secret: 'x'.repeat(32) }, 'set together'],
    ['algorithms', { ...base, algorithms: ['none'] }, '"none"'],
    ['algorithms', { ...base, algorithms: ['NONE'] }, '"none"'],
    ['algorithms', { ...base, algorithms: [] }, 'non-empty'],
    ['algorithms', { ...base, algorithms: ['RS1'] }, 'unsupported'],
    ['algorithms', { ...base, algorithms: ['RS256', 'HS256'] }, 'needs a shared secret'],
    ['algorithms', { issuer: base.issuer, audience: base.audience, secret: 'x'.repeat(32), algorithms: ['RS256'] }, 'needs a public key'],
    ['secret', { issuer: base.issuer, audience: base.audience, secret: '' }, 'shorter than the 32 bytes'],
    ['secret', { issuer: base.issuer, audience: base.audience, secret: 'short' }, 'shorter than the 32 bytes'],
    ['publicKey', { issuer: base.issuer, audience: base.audience, publicKey: rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }) }, 'private key'],
    ['publicKey', { issuer: base.issuer, audience: base.audience, publicKey: 'hello' }, 'not a PEM'],
    ['publicKey', { issuer: base.issuer, audience: base.audience, publicKey: rsa.privateKey }, 'private KeyObject'],
    ['publicKey', { issuer: base.issuer, audience: base.audience, publicKey: weakRsa.publicKey }, '1024 bits'],
    ['publicKey', { issuer: base.issuer, audience: base.audience, publicKey: { kty: 'oct', k: 'abc' } }, 'symmetric'],
    ['jwks', { issuer: base.issuer, audience: base.audience, jwks: { keys: [] } }, 'non-empty'],
    ['jwks.keys[0]', { issuer: base.issuer, audience: base.audience, jwks: { keys: [{ kty: 'RSA', n: 'AQAB', e: 'AQAB' }] } }, 'bits'],
    ['clockTolerance', { ...base, clockTolerance: -1 }, 'non-negative'],
    ['clockTolerance', { ...base, clockTolerance: Number.NaN }, 'non-negative'],
    ['maxTokenAge', { ...base, maxTokenAge: 0 }, 'positive'],
    ['maxTokenLength', { ...base, maxTokenLength: 1.5 }, 'positive integer'],
    ['requiredClaims', { ...base, requiredClaims: [''] }, 'claim names'],
    ['requireExpiration', { ...base, requireExpiration: 'no' }, 'boolean'],
    ['typ', { ...base, typ: '' }, 'non-empty'],
    ['realm', { ...base, realm: 'a"b' }, 'printable ASCII'],
    ['cookieName', { ...base, cookieName: 'a b' }, 'not a valid name'],
    ['queryParameter', { ...base, queryParameter: '' }, 'not a valid name'],
    ['jwksCache.cooldown', { ...base, jwksCache: { cooldown: -5 } }, 'non-negative'],
    ['jwksCache.timeout', { ...base, jwksCache: { timeout: 0 } }, 'positive'],
    ['fetch', { ...base, fetch: 'fetch' }, 'must be a function'],
  ])('rejects a bad %s (%#)', (option, options, problem) => {
    const error = configurationErrorOf(options);

    expect(error.option).toBe(option);
    expect(error.message).toContain(problem);
    expect(error.message).toMatch(/^latchkey: option "/);
  });

  it('names the fix for a missing issuer', () => {
    expect(configurationErrorOf({ ...base, issuer: undefined }).message).toContain('set it to null to turn the check off');
  });

  it('accepts an explicit null issuer and audience', () => {
    const verifier = createVerifier({ ...base, issuer: null, audience: null });

    expect(issuerOf(verifier).issuer).toBeNull();
    expect(verifier.config.audience).toBeNull();
  });

  it('accepts http JWKS URLs on loopback hosts', () => {
    for (const url of ['http://127.0.0.1:8080/jwks', 'http://localhost/jwks', 'http://[::1]:3000/jwks']) {
      expect(issuerOf(createVerifier({ ...base, jwksUri: url })).keySource.kind).toBe('remote');
    }
  });

  it('rejects http on hosts that only look local', () => {
    for (const url of ['http://127.0.0.1.example.com/jwks', 'http://localhost.example.com/jwks', 'http://10.0.0.1/jwks']) {
      expect(configurationErrorOf({ ...base, jwksUri: url }).option).toBe('jwksUri');
    }
  });

  it('derives algorithms from the key type', () => {
    const from = (publicKey: VerifierOptions['publicKey']) =>
      issuerOf(createVerifier({ issuer: base.issuer, audience: base.audience, publicKey } as VerifierOptions)).algorithms;

    expect(from(rsa.publicKey)).toEqual(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512']);
    expect(from(ec.publicKey)).toEqual(['ES256']);
    expect(from(ed.publicKey)).toEqual(['EdDSA', 'Ed25519']);
    expect(from(rsa.publicKey.export({ type: 'spki', format: 'pem' }) as string)).toContain('RS256');
  });

  it('derives HMAC algorithms from the secret length', () => {
    const algorithms = (secret: string) => issuerOf(createVerifier({ issuer: base.issuer, audience: base.audience, secret })).algorithms;

    expect(algorithms('x'.repeat(32))).toEqual(['HS256']);
    expect(algorithms('x'.repeat(64))).toEqual(['HS256', 'HS384', 'HS512']);
  });

  it('never derives HMAC algorithms for a key set', () => {
    expect(issuerOf(createVerifier(base)).algorithms.some((name) => name.startsWith('HS'))).toBe(false);
  });

  it('requires exp unless turned off', () => {
    expect(createVerifier(base).config.requiredClaims).toContain('exp');
    expect(createVerifier({ ...base, requireExpiration: false }).config.requiredClaims).not.toContain('exp');
  });

  it('does not change or keep the caller options', () => {
    const options = { ...base, issuer: ['https://a.example/'], algorithms: ['RS256' as const] };
    const snapshot = structuredClone(options);
    const verifier = createVerifier(options);
    options.issuer.push('https://evil.example/');

    expect(issuerOf(verifier).issuer).toEqual(['https://a.example/']);
    expect(Object.isFrozen(verifier.config)).toBe(true);
    expect({ ...options, issuer: snapshot.issuer }).toEqual(snapshot);
  });
});
