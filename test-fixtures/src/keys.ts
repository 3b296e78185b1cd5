import { randomBytes } from 'node:crypto';

import { exportJWK, exportSPKI, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';

/** Signing algorithms that the fixtures can generate keys for. */
export type TestAlgorithm = 'RS256' | 'ES256' | 'EdDSA';

/** Signing key for tests: the private key and the public JWK that an issuer publishes for it. */
export interface TestKey {
  kid: string;
  alg: TestAlgorithm;
  privateKey: CryptoKey;
  /** Public JWK as an identity provider publishes it, with `kid`, `alg` and `use: 'sig'`. */
  publicJwk: JWK;
}

const kidPrefixes: Record<TestAlgorithm, string> = {
  RS256: 'rsa',
  ES256: 'ec',
  EdDSA: 'ed',
};

/** Returns a readable key id such as `rsa-3f9a01c2`, unique per call. */
function randomKid(alg: TestAlgorithm): string {
  return `${kidPrefixes[alg]}-${randomBytes(4).toString('hex')}`;
}

/** Generates an extractable key pair with the key parameters that the algorithm needs. */
function generatePair(alg: TestAlgorithm) {
  switch (alg) {
    case 'RS256':
      return generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
    case 'ES256':
      return generateKeyPair('ES256', { crv: 'P-256', extractable: true });
    case 'EdDSA':
      return generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  }
}

/**
 * Generates a signing key pair: RSA 2048 for RS256, P-256 for ES256, Ed25519 for EdDSA.
 * Without `kid`, the key id is the key type followed by 8 random hex digits (`ec-0b12f4aa`).
 */
export async function generateTestKey(alg: TestAlgorithm, kid?: string): Promise<TestKey> {
  const { privateKey, publicKey } = await generatePair(alg);

  const keyId = kid ?? randomKid(alg);
  const exported = await exportJWK(publicKey);
  const publicJwk: JWK = { ...exported, kid: keyId, alg, use: 'sig' };

  return { kid: keyId, alg, privateKey, publicJwk };
}

/** Generates one key of each supported type, each with its own random key id. */
export async function generateTestKeys(): Promise<{ rsa: TestKey; ec: TestKey; ed: TestKey }> {
  const [rsa, ec, ed] = await Promise.all([
    generateTestKey('RS256'),
    generateTestKey('ES256'),
    generateTestKey('EdDSA'),
  ]);

  return { rsa, ec, ed };
}

/** Returns a JWK Set (RFC 7517) of the public keys, in the given order. */
export function toJwks(keys: TestKey[]): { keys: JWK[] } {
  return { keys: keys.map((key) => ({ ...key.publicJwk })) };
}

/**
 * Exports the public key as an SPKI PEM string (`-----BEGIN PUBLIC KEY-----`), the form that
 * HS256 key-confusion attacks use as the HMAC secret.
 */
export async function publicKeyPem(key: TestKey): Promise<string> {
  const publicKey = await importJWK(key.publicJwk, key.alg, { extractable: true });

  if (publicKey instanceof Uint8Array) {
    throw new TypeError(`Public JWK of key "${key.kid}" imported as a symmetric secret. Pass a TestKey from generateTestKey.`);
  }

  return exportSPKI(publicKey);
}
