import { verify } from 'node:crypto';

import { digestOf, signatureKey, type BenchKey } from '../fixtures/keys.js';

/** The parts of a compact JWS that a verifier must decode before it checks the signature. */
interface DecodedToken {
  header: unknown;
  payload: unknown;
  signingInput: Buffer;
  signature: Buffer;
}

/** Splits the token and decodes header and payload with JSON.parse: the least work any JWT verifier does. */
function decodeCompact(token: string): DecodedToken {
  const first = token.indexOf('.');
  const second = token.indexOf('.', first + 1);

  if (first < 0 || second < 0) {
    throw new TypeError('Invalid compact JWS: expected three dot-separated segments.');
  }

  return {
    header: JSON.parse(Buffer.from(token.slice(0, first), 'base64url').toString('utf8')),
    payload: JSON.parse(Buffer.from(token.slice(first + 1, second), 'base64url').toString('utf8')),
    signingInput: Buffer.from(token.slice(0, second)),
    signature: Buffer.from(token.slice(second + 1), 'base64url'),
  };
}

/**
 * Creates the synchronous floor: decode the token, then one `crypto.verify` with a key imported
 * once. It throws on a bad signature, so a wrong token cannot make it look fast.
 */
export function createSyncFloor(key: BenchKey): (token: string) => unknown {
  const digest = digestOf(key.alg);
  const publicKey = signatureKey(key.publicKey, key.alg);

  return (token) => {
    const decoded = decodeCompact(token);

    if (!verify(digest, decoded.signingInput, publicKey, decoded.signature)) {
      throw new Error('Invalid signature');
    }

    return decoded.payload;
  };
}

/** Creates the threadpool floor: the same work, with the callback form of `crypto.verify`, which runs on the libuv threadpool. */
export function createThreadpoolFloor(key: BenchKey): (token: string) => Promise<unknown> {
  const digest = digestOf(key.alg);
  const publicKey = signatureKey(key.publicKey, key.alg);

  return (token) => {
    const decoded = decodeCompact(token);

    return new Promise((resolve, reject) => {
      verify(digest, decoded.signingInput, publicKey, decoded.signature, (error, valid) => {
        if (error) {
          reject(error);
        } else if (!valid) {
          reject(new Error('Invalid signature'));
        } else {
          resolve(decoded.payload);
        }
      });
    });
  };
}
