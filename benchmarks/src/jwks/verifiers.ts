import { createVerifier } from '@latchkey/core';
import { JwtVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { createRemoteJWKSet, jwtVerify } from 'jose';

import { LoopbackFetcher } from '../fixtures/loopback-fetch.js';

/** A cold verifier that fetches its key set from the issuer on first use. */
export interface ColdVerifier {
  id: string;
  label: string;
  verify(token: string): Promise<unknown>;
  notes: string[];
}

export interface ColdVerifierConfig {
  issuer: string;
  audience: string;
  jwksUri: string;
}

export function coldLatchkey(config: ColdVerifierConfig): ColdVerifier {
  const verifier = createVerifier({ ...config, algorithms: ['RS256'] });

  return { id: 'core-latchkey', label: 'latchkey createVerifier (in process)', verify: (token) => verifier.verify(token), notes: [] };
}

export function coldJose(config: ColdVerifierConfig): ColdVerifier {
  const keySet = createRemoteJWKSet(new URL(config.jwksUri));
  const options = { issuer: config.issuer, audience: config.audience, algorithms: ['RS256'] };

  return {
    id: 'core-jose',
    label: 'jose jwtVerify + createRemoteJWKSet (in process)',
    verify: (token) => jwtVerify(token, keySet, options),
    notes: ['default cooldown 30 s and cache max age 10 min'],
  };
}

export function coldAwsJwtVerify(config: ColdVerifierConfig): ColdVerifier {
  const jwksCache = new SimpleJwksCache({ fetcher: new LoopbackFetcher() });
  const verifier = JwtVerifier.create({ issuer: config.issuer, audience: config.audience, jwksUri: config.jwksUri }, { jwksCache });

  return {
    id: 'core-aws-jwt-verify',
    label: 'aws-jwt-verify JwtVerifier (in process)',
    verify: (token) => verifier.verify(token),
    notes: ['fetches over the global fetch, because its own fetcher only speaks HTTPS'],
  };
}
