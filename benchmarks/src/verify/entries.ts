import { createVerifier } from '@latchkey/core';
import type { LocalIssuer } from '@latchkey/test-fixtures';
import { JwtVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { createVerifier as createFastJwtVerifier } from 'fast-jwt';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';

import type { BenchKey } from '../fixtures/keys.js';
import { LoopbackFetcher } from '../fixtures/loopback-fetch.js';
import type { TokenContext } from '../fixtures/tokens.js';
import { createThreadpoolFloor } from './floor.js';
import type { VerifyEntry } from './measure.js';

/** Key, token claims and key source shared by every entry of one algorithm. */
export interface EntryContext {
  key: BenchKey;
  tokens: TokenContext;
  issuer: LocalIssuer;
  /** The JWK Set that the issuer serves, fetched once. */
  jwks: JSONWebKeySet;
}

export function threadpoolFloorEntry(context: EntryContext): VerifyEntry {
  return {
    id: 'floor-threadpool',
    label: 'node:crypto floor, threadpool (callback verify)',
    mode: 'async',
    verify: createThreadpoolFloor(context.key),
    notes: ['one verification in flight at a time, so this measures the threadpool round trip'],
  };
}

/** latchkey's verifier against the local issuer's JWKS URL, as an application configures it. */
export function latchkeyEntry(context: EntryContext): VerifyEntry {
  const verifier = createVerifier({
    issuer: context.tokens.issuer,
    audience: context.tokens.audience,
    jwksUri: context.issuer.jwksUri,
    algorithms: [context.key.alg],
  });

  return { id: 'latchkey', label: 'latchkey createVerifier().verify', mode: 'async', verify: (token) => verifier.verify(token), notes: [] };
}

export function joseEntry(context: EntryContext): VerifyEntry {
  const keySet = createLocalJWKSet(context.jwks);
  const options = { issuer: context.tokens.issuer, audience: context.tokens.audience, algorithms: [context.key.alg] };

  return {
    id: 'jose',
    label: 'jose jwtVerify + createLocalJWKSet',
    mode: 'async',
    verify: (token) => jwtVerify(token, keySet, options),
    notes: ['local JWK Set built from the issuer document, fetched once'],
  };
}

/**
 * fast-jwt has no JWKS support, so it gets the one public key as PEM, its fastest form: with a
 * key function it would import the PEM again on every call.
 */
export function fastJwtEntry(context: EntryContext, cache: boolean): VerifyEntry {
  const verify = createFastJwtVerifier({
    key: context.key.publicPem,
    algorithms: [context.key.alg] as never,
    allowedIss: context.tokens.issuer,
    allowedAud: context.tokens.audience,
    cache,
  });

  return {
    id: cache ? 'fast-jwt-cache' : 'fast-jwt',
    label: cache ? 'fast-jwt createVerifier, cache on (1000 entries)' : 'fast-jwt createVerifier, no cache',
    mode: 'sync',
    verify: (token) => verify(token),
    notes: ['static PEM key instead of a JWKS, because fast-jwt has no JWKS client'],
  };
}

/** aws-jwt-verify's generic verifier with the issuer's key set cached up front, through `verify()`. */
export function awsJwtVerifyEntry(context: EntryContext): VerifyEntry {
  const jwksCache = new SimpleJwksCache({ fetcher: new LoopbackFetcher() });
  const verifier = JwtVerifier.create(
    { issuer: context.tokens.issuer, audience: context.tokens.audience, jwksUri: context.issuer.jwksUri },
    { jwksCache },
  );

  verifier.cacheJwks(context.jwks as never);

  return {
    id: 'aws-jwt-verify',
    label: 'aws-jwt-verify JwtVerifier.verify, JWKS cached',
    mode: 'async',
    verify: (token) => verifier.verify(token),
    notes: ['accepts RS256/384/512, ES256/384/512 and EdDSA by the JWK alg; it has no allowlist option'],
  };
}
