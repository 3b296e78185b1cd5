import { type CompactJWSHeaderParameters, errors, importJWK, importSPKI, importX509, type JWK } from 'jose';
import type { KeyObject } from 'node:crypto';
import { InvalidTokenError } from '../errors.js';
import type { Algorithm } from '../options.js';
import { toUsableKeySet } from './key-set.js';
import type { KeySource } from './types.js';

/** Creates a key source for a JWK Set passed in the options. */
export function createLocalJwksSource(jwks: { keys: unknown[] }, algorithms: readonly Algorithm[]): KeySource {
  const { resolver } = toUsableKeySet(jwks.keys, algorithms);

  return {
    async getKey(header, token) {
      try {
        return await resolver(header, token);
      } catch (error) {
        if (error instanceof errors.JWKSNoMatchingKey) {
          throw new InvalidTokenError('key_not_found', { description: 'No signing key matches the token key id', cause: error });
        }
        throw error;
      }
    },
  };
}

/** Creates a key source for one public key, given as a KeyObject, CryptoKey, JWK or PEM text. */
export function createPublicKeySource(key: KeyObject | CryptoKey | JWK | string): KeySource {
  if (typeof key !== 'string' && !isJwk(key)) {
    return { getKey: () => Promise.resolve(key) };
  }

  // A JWK or PEM is imported once per algorithm, because Web Crypto binds a key to one algorithm.
  const imported = new Map<string, Promise<CryptoKey | Uint8Array>>();
  return {
    getKey(header: CompactJWSHeaderParameters) {
      const algorithm = header.alg ?? '';
      if (isJwk(key) && typeof key.alg === 'string' && key.alg !== algorithm) {
        return Promise.reject(new InvalidTokenError('algorithm_not_allowed', { description: 'The token algorithm does not match the key' }));
      }

      let pending = imported.get(algorithm);
      if (pending === undefined) {
        pending = importPublicKey(key, algorithm);
        imported.set(algorithm, pending);
      }
      return pending;
    },
  };
}

/** Creates a key source for a shared HMAC secret. */
export function createSecretSource(secret: Uint8Array): KeySource {
  return { getKey: () => Promise.resolve(secret) };
}

function importPublicKey(key: JWK | string, algorithm: string): Promise<CryptoKey | Uint8Array> {
  if (typeof key !== 'string') return importJWK(key, algorithm);
  if (key.includes('CERTIFICATE')) return importX509(key, algorithm);
  return importSPKI(key, algorithm);
}

function isJwk(value: unknown): value is JWK {
  return typeof value === 'object' && value !== null && typeof (value as { kty?: unknown }).kty === 'string' && !('asymmetricKeyType' in value);
}
