// Copied verbatim from packages/core/README.md; readme.test.ts checks that it stays identical.
// It is type-checked only: importing it would connect to Redis on the default port.

import { createClient } from 'redis';
import { createRedisRevocationStore, createVerifier } from '@latchkey/core';

const redis = createClient({ url: 'redis://127.0.0.1:6379' });
redis.on('error', (error) => console.error('redis', error.message));
await redis.connect();

export const revocations = createRedisRevocationStore({ client: redis });

export const verifierWithRevocation = createVerifier({
  issuer: 'https://auth.example.com/',
  audience: 'https://api.example.com',
  jwksUri: 'https://auth.example.com/.well-known/jwks.json',
  revocation: { store: revocations },
});

export async function signOutEverywhere(userId: string): Promise<number> {
  return revocations.revokeSubject({ issuer: 'https://auth.example.com/', subject: userId });
}
