import type * as NodeCrypto from 'node:crypto';
import type { CryptoKey as JoseCryptoKey, KeyObject as JoseKeyObject } from 'jose';

/** Parameters for verifying one JWS algorithm with node:crypto. */
interface AlgorithmPlan {
  hash: string | null;
  keyType: 'rsa' | 'ec' | 'ed25519' | 'secret';
  /** RSA-PSS salt length in bytes. */
  pssSalt?: number;
  /** Named curve of EC keys, as Node names it. */
  curve?: string;
  /** Exact ECDSA signature length in bytes (R‖S). */
  signatureBytes?: number;
  /** Web Crypto algorithm name and hash a CryptoKey must have, as jose requires. */
  cryptoKeyName: string;
  cryptoKeyHash?: string;
  cryptoKeyCurve?: string;
}

// Signing inputs are base64url text and dots, so their UTF-8 bytes are their ASCII bytes.
const encoder = new TextEncoder();

const PLANS: Readonly<Record<string, AlgorithmPlan>> = {
  RS256: { hash: 'sha256', keyType: 'rsa', cryptoKeyName: 'RSASSA-PKCS1-v1_5', cryptoKeyHash: 'SHA-256' },
  RS384: { hash: 'sha384', keyType: 'rsa', cryptoKeyName: 'RSASSA-PKCS1-v1_5', cryptoKeyHash: 'SHA-384' },
  RS512: { hash: 'sha512', keyType: 'rsa', cryptoKeyName: 'RSASSA-PKCS1-v1_5', cryptoKeyHash: 'SHA-512' },
  PS256: { hash: 'sha256', keyType: 'rsa', pssSalt: 32, cryptoKeyName: 'RSA-PSS', cryptoKeyHash: 'SHA-256' },
  PS384: { hash: 'sha384', keyType: 'rsa', pssSalt: 48, cryptoKeyName: 'RSA-PSS', cryptoKeyHash: 'SHA-384' },
  PS512: { hash: 'sha512', keyType: 'rsa', pssSalt: 64, cryptoKeyName: 'RSA-PSS', cryptoKeyHash: 'SHA-512' },
  ES256: { hash: 'sha256', keyType: 'ec', curve: 'prime256v1', signatureBytes: 64, cryptoKeyName: 'ECDSA', cryptoKeyCurve: 'P-256' },
  ES384: { hash: 'sha384', keyType: 'ec', curve: 'secp384r1', signatureBytes: 96, cryptoKeyName: 'ECDSA', cryptoKeyCurve: 'P-384' },
  ES512: { hash: 'sha512', keyType: 'ec', curve: 'secp521r1', signatureBytes: 132, cryptoKeyName: 'ECDSA', cryptoKeyCurve: 'P-521' },
  EdDSA: { hash: null, keyType: 'ed25519', cryptoKeyName: 'Ed25519' },
  Ed25519: { hash: null, keyType: 'ed25519', cryptoKeyName: 'Ed25519' },
  HS256: { hash: 'sha256', keyType: 'secret', cryptoKeyName: 'HMAC', cryptoKeyHash: 'SHA-256' },
  HS384: { hash: 'sha384', keyType: 'secret', cryptoKeyName: 'HMAC', cryptoKeyHash: 'SHA-384' },
  HS512: { hash: 'sha512', keyType: 'secret', cryptoKeyName: 'HMAC', cryptoKeyHash: 'SHA-512' },
};

/** A key ready for node:crypto, or the reason the fast path cannot use it. */
type PreparedKey = { kind: 'asymmetric'; key: NodeCrypto.KeyObject } | { kind: 'secret'; secret: Uint8Array } | { kind: 'unsupported' };

/**
 * Verifies JWS signatures synchronously with node:crypto, which avoids the asynchronous Web Crypto
 * call jose makes (see docs/benchmarks.md for the measured difference). Each key is converted to a
 * KeyObject once. It only accepts keys that jose would accept for the algorithm. For any other key
 * it returns `undefined`, and the caller falls back to jose, so the result stays jose's.
 */
export class NodeSignatureVerifier {
  readonly #crypto: typeof NodeCrypto;
  readonly #prepared = new WeakMap<object, PreparedKey>();
  /** Whether a key fits an algorithm, per key and algorithm, so the check runs once. */
  readonly #fitsByKey = new WeakMap<object, Map<AlgorithmPlan, boolean>>();

  constructor(nodeCrypto: typeof NodeCrypto) {
    this.#crypto = nodeCrypto;
  }

  /** Returns whether the signature is valid, or undefined when this key or algorithm needs jose. */
  verify(alg: string, key: unknown, signingInput: string, signature: Uint8Array): boolean | undefined {
    const plan = PLANS[alg];
    if (plan === undefined || typeof key !== 'object' || key === null) return undefined;

    const prepared = this.#prepare(key, plan);
    if (prepared.kind === 'unsupported') return undefined;
    if (prepared.kind === 'secret') return this.#verifyHmac(plan, prepared.secret, signingInput, signature);
    return this.#verifyAsymmetric(plan, prepared.key, signingInput, signature);
  }

  #prepare(key: object, plan: AlgorithmPlan): PreparedKey {
    let prepared = this.#prepared.get(key);
    if (prepared === undefined) {
      prepared = this.#convert(key);
      this.#prepared.set(key, prepared);
    }
    if (prepared.kind === 'unsupported') return prepared;

    let fitsByPlan = this.#fitsByKey.get(key);
    if (fitsByPlan === undefined) {
      fitsByPlan = new Map();
      this.#fitsByKey.set(key, fitsByPlan);
    }
    let keyFits = fitsByPlan.get(plan);
    if (keyFits === undefined) {
      keyFits = fits(prepared, key, plan);
      fitsByPlan.set(plan, keyFits);
    }
    return keyFits ? prepared : { kind: 'unsupported' };
  }

  #convert(key: object): PreparedKey {
    if (key instanceof Uint8Array) return { kind: 'secret', secret: key };
    if (key instanceof this.#crypto.KeyObject) return key.type === 'public' ? { kind: 'asymmetric', key } : { kind: 'unsupported' };
    if (typeof CryptoKey !== 'undefined' && key instanceof CryptoKey && key.type === 'public') {
      return { kind: 'asymmetric', key: this.#crypto.KeyObject.from(key) };
    }
    return { kind: 'unsupported' };
  }

  #verifyAsymmetric(plan: AlgorithmPlan, key: NodeCrypto.KeyObject, signingInput: string, signature: Uint8Array): boolean {
    if (plan.signatureBytes !== undefined && signature.byteLength !== plan.signatureBytes) return false;

    const options: NodeCrypto.VerifyKeyObjectInput & { dsaEncoding?: 'ieee-p1363'; padding?: number; saltLength?: number } = { key };
    if (plan.keyType === 'ec') options.dsaEncoding = 'ieee-p1363';
    if (plan.pssSalt !== undefined) {
      options.padding = this.#crypto.constants.RSA_PKCS1_PSS_PADDING;
      options.saltLength = plan.pssSalt;
    }

    try {
      return this.#crypto.verify(plan.hash, encoder.encode(signingInput), options, signature);
    } catch {
      return false;
    }
  }

  #verifyHmac(plan: AlgorithmPlan, secret: Uint8Array, signingInput: string, signature: Uint8Array): boolean {
    const expected = this.#crypto.createHmac(plan.hash ?? 'sha256', secret).update(signingInput, 'latin1').digest();
    return expected.byteLength === signature.byteLength && this.#crypto.timingSafeEqual(expected, signature);
  }
}

/** Checks the key against the algorithm the way jose does, so the fast path never accepts more. */
function fits(prepared: Exclude<PreparedKey, { kind: 'unsupported' }>, original: object, plan: AlgorithmPlan): boolean {
  if (prepared.kind === 'secret') return plan.keyType === 'secret';
  if (plan.keyType === 'secret') return false;

  if (typeof CryptoKey !== 'undefined' && original instanceof CryptoKey && !cryptoKeyFits(original as unknown as JoseCryptoKey, plan)) return false;

  const key = prepared.key as NodeCrypto.KeyObject & JoseKeyObject;
  const details = key.asymmetricKeyDetails ?? {};
  if (plan.keyType === 'rsa') {
    const typeFits = key.asymmetricKeyType === 'rsa' || (plan.pssSalt !== undefined && key.asymmetricKeyType === 'rsa-pss');
    return typeFits && (details.modulusLength ?? 0) >= 2048;
  }
  if (plan.keyType === 'ec') return key.asymmetricKeyType === 'ec' && details.namedCurve === plan.curve;
  return key.asymmetricKeyType === 'ed25519';
}

function cryptoKeyFits(key: JoseCryptoKey, plan: AlgorithmPlan): boolean {
  const algorithm = key.algorithm as KeyAlgorithm & { hash?: { name: string }; namedCurve?: string };
  if (algorithm.name !== plan.cryptoKeyName) return false;
  if (plan.cryptoKeyHash !== undefined && algorithm.hash?.name !== plan.cryptoKeyHash) return false;
  if (plan.cryptoKeyCurve !== undefined && algorithm.namedCurve !== plan.cryptoKeyCurve) return false;
  return key.usages.includes('verify');
}
