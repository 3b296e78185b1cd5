import type { JSONWebKeySet, JWK } from 'jose';
import type { KeyObject } from 'node:crypto';
import { ConfigurationError } from '../errors.js';
import type { Algorithm } from '../options.js';
import { ASYMMETRIC_ALGORITHMS, EC_ALGORITHMS, HMAC_ALGORITHMS, HMAC_MIN_KEY_BYTES, OKP_ALGORITHMS, RSA_ALGORITHMS } from './algorithms.js';
import { isLoopbackHost } from './loopback.js';
import { loadNodeCrypto } from './node-crypto.js';

/** The key source after its option was checked. */
export type KeySourceSpec =
  | { kind: 'remote'; url: URL }
  | { kind: 'discovery'; issuer: string }
  | { kind: 'local'; jwks: JSONWebKeySet }
  | { kind: 'public-key'; key: KeyObject | CryptoKey | JWK | string }
  | { kind: 'secret'; secret: Uint8Array };

export interface ResolvedKeySource {
  spec: KeySourceSpec;
  /** The algorithms this key source can verify, used when `algorithms` is not set. */
  algorithms: readonly Algorithm[];
}

const MIN_RSA_BITS = 2048;
const KEY_SOURCE_OPTIONS = ['jwksUri', 'discovery', 'jwks', 'publicKey', 'secret'] as const;

/** The key source options of a verifier or of one issuer entry. */
export type KeySourceInput = { readonly [name in (typeof KEY_SOURCE_OPTIONS)[number]]?: unknown };

/**
 * Checks that exactly one key source option is set and that its value is usable. `prefix` names
 * the issuer entry in messages, and `issuer` is the single accepted issuer that discovery needs.
 */
export function resolveKeySource(options: KeySourceInput, issuer: readonly string[] | null, prefix = ''): ResolvedKeySource {
  const present = KEY_SOURCE_OPTIONS.filter((name) => options[name] !== undefined);

  if (present.length === 0) {
    throw new ConfigurationError(
      `${prefix}jwksUri`,
      'is missing, and no other key source is set',
      "Set jwksUri to your identity provider's JWKS URL (https://.../.well-known/jwks.json), set discovery: true to find it from the issuer, or pass jwks, publicKey or secret",
    );
  }
  if (present.length > 1) {
    throw new ConfigurationError(present.map((name) => prefix + name).join('/'), 'are set together', 'Set exactly one key source: jwksUri, discovery, jwks, publicKey or secret');
  }

  if (options.jwksUri !== undefined) return resolveJwksUri(`${prefix}jwksUri`, options.jwksUri as string | URL);
  if (options.discovery !== undefined) return resolveDiscovery(prefix, options.discovery, issuer);
  if (options.jwks !== undefined) return resolveLocalJwks(`${prefix}jwks`, options.jwks as JSONWebKeySet);
  if (options.publicKey !== undefined) return resolvePublicKey(`${prefix}publicKey`, options.publicKey as string | JWK | KeyObject | CryptoKey);
  return resolveSecret(`${prefix}secret`, options.secret as string | Uint8Array);
}

function resolveJwksUri(option: string, value: string | URL): ResolvedKeySource {
  const url = parseFetchableUrl(option, value);
  return { spec: { kind: 'remote', url }, algorithms: ASYMMETRIC_ALGORITHMS };
}

function resolveDiscovery(prefix: string, value: unknown, issuer: readonly string[] | null): ResolvedKeySource {
  if (value !== true) {
    throw new ConfigurationError(`${prefix}discovery`, 'must be true when set', 'Set discovery: true to find the JWKS URL in the issuer metadata, or remove the option');
  }

  const [only, ...others] = issuer ?? [];
  if (only === undefined || others.length > 0) {
    throw new ConfigurationError(`${prefix}discovery`, 'needs exactly one issuer', 'Set issuer to the one issuer whose metadata to read, or use issuers with one entry per issuer');
  }
  parseFetchableUrl(`${prefix}issuer`, only);
  return { spec: { kind: 'discovery', issuer: only }, algorithms: ASYMMETRIC_ALGORITHMS };
}

/** Parses a URL that latchkey will fetch: https, or http on a loopback host, without credentials. */
export function parseFetchableUrl(option: string, value: string | URL): URL {
  const url = parseUrl(option, value);

  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    throw new ConfigurationError(option, `must use https, but ${url.protocol.replace(':', '')} was given`, 'Use an https URL. Plain http is accepted only for loopback hosts (localhost, 127.0.0.1, ::1) during development');
  }
  if (url.username !== '' || url.password !== '') {
    throw new ConfigurationError(option, 'contains credentials', 'Remove the user name and password from the URL');
  }
  return url;
}

/** Parses a URL option, naming the option when the value is not a URL. */
export function parseUrl(option: string, value: string | URL): URL {
  try {
    return new URL(String(value));
  } catch (error) {
    throw new ConfigurationError(option, `is not a valid URL: ${JSON.stringify(String(value))}`, 'Pass an absolute URL such as https://auth.example.com/.well-known/jwks.json', { cause: error });
  }
}

function resolveLocalJwks(option: string, jwks: JSONWebKeySet): ResolvedKeySource {
  if (typeof jwks !== 'object' || jwks === null || !Array.isArray(jwks.keys) || jwks.keys.length === 0) {
    throw new ConfigurationError(option, 'must be a JWK Set with a non-empty "keys" array', 'Pass an object such as { keys: [ { kty: "RSA", n: "...", e: "AQAB", kid: "..." } ] }');
  }

  const algorithms = new Set<Algorithm>();
  for (const [index, jwk] of jwks.keys.entries()) {
    checkPublicJwk(`${option}.keys[${index}]`, jwk);
    for (const algorithm of algorithmsOfJwk(jwk)) algorithms.add(algorithm);
  }

  const copy = structuredClone(jwks);
  return { spec: { kind: 'local', jwks: copy }, algorithms: [...algorithms] };
}

function resolvePublicKey(option: string, key: string | JWK | KeyObject | CryptoKey): ResolvedKeySource {
  if (typeof key === 'string') return resolvePem(option, key);
  if (isCryptoKey(key)) return resolveCryptoKey(option, key);
  if (isKeyObject(key)) return resolveKeyObject(option, key);

  checkPublicJwk(option, key);
  return { spec: { kind: 'public-key', key: structuredClone(key) }, algorithms: algorithmsOfJwk(key) };
}

function resolvePem(option: string, pem: string): ResolvedKeySource {
  if (/PRIVATE KEY/.test(pem)) {
    throw new ConfigurationError(option, 'contains a private key', 'Pass only the public key (-----BEGIN PUBLIC KEY-----); the private key must stay with the issuer');
  }
  if (!/-----BEGIN (PUBLIC KEY|RSA PUBLIC KEY|CERTIFICATE)-----/.test(pem)) {
    throw new ConfigurationError(option, 'is not a PEM public key or certificate', 'Pass a PEM string that starts with -----BEGIN PUBLIC KEY-----, or a JWK, KeyObject or CryptoKey');
  }

  const crypto = loadNodeCrypto();
  if (crypto === undefined) {
    // Without node:crypto the key type is only known once jose imports it, so the algorithms must be given.
    return { spec: { kind: 'public-key', key: pem }, algorithms: [] };
  }

  let keyObject: KeyObject;
  try {
    keyObject = crypto.createPublicKey(pem);
  } catch (error) {
    throw new ConfigurationError(option, 'could not be parsed as a PEM public key', 'Check that the PEM text is complete, including its BEGIN and END lines', { cause: error });
  }
  return resolveKeyObject(option, keyObject);
}

function resolveKeyObject(option: string, key: KeyObject): ResolvedKeySource {
  if (key.type !== 'public') {
    throw new ConfigurationError(option, `is a ${key.type} KeyObject`, 'Pass a public key, for example crypto.createPublicKey(pem)');
  }

  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'rsa-pss') {
    checkRsaBits(option, details.modulusLength ?? 0);
    const algorithms = key.asymmetricKeyType === 'rsa-pss' ? RSA_ALGORITHMS.filter((name) => name.startsWith('PS')) : RSA_ALGORITHMS;
    return { spec: { kind: 'public-key', key }, algorithms };
  }
  if (key.asymmetricKeyType === 'ec') {
    return { spec: { kind: 'public-key', key }, algorithms: [ecAlgorithm(option, curveName(details.namedCurve))] };
  }
  if (key.asymmetricKeyType === 'ed25519') {
    return { spec: { kind: 'public-key', key }, algorithms: OKP_ALGORITHMS };
  }
  throw new ConfigurationError(option, `has the unsupported key type ${String(key.asymmetricKeyType)}`, 'Use an RSA (2048 bits or more), EC P-256/P-384/P-521 or Ed25519 public key');
}

function resolveCryptoKey(option: string, key: CryptoKey): ResolvedKeySource {
  if (key.type !== 'public') {
    throw new ConfigurationError(option, `is a ${key.type} CryptoKey`, 'Pass the public key of the pair');
  }

  const algorithm = key.algorithm as KeyAlgorithm & { modulusLength?: number; namedCurve?: string; hash?: { name: string } };
  if (algorithm.name === 'RSASSA-PKCS1-v1_5' || algorithm.name === 'RSA-PSS') {
    checkRsaBits(option, algorithm.modulusLength ?? 0);
    const prefix = algorithm.name === 'RSA-PSS' ? 'PS' : 'RS';
    const bits = algorithm.hash?.name.replace('SHA-', '') ?? '256';
    return { spec: { kind: 'public-key', key }, algorithms: [`${prefix}${bits}` as Algorithm] };
  }
  if (algorithm.name === 'ECDSA') {
    return { spec: { kind: 'public-key', key }, algorithms: [ecAlgorithm(option, algorithm.namedCurve)] };
  }
  if (algorithm.name === 'Ed25519') {
    return { spec: { kind: 'public-key', key }, algorithms: OKP_ALGORITHMS };
  }
  throw new ConfigurationError(option, `is a CryptoKey for ${algorithm.name}, which cannot verify signatures here`, 'Use an RSASSA-PKCS1-v1_5, RSA-PSS, ECDSA or Ed25519 public key');
}

function resolveSecret(option: string, secret: string | Uint8Array | undefined): ResolvedKeySource {
  const bytes = typeof secret === 'string' ? new TextEncoder().encode(secret) : secret;

  if (!(bytes instanceof Uint8Array)) {
    throw new ConfigurationError(option, 'must be a string or a Uint8Array', 'Pass the shared HMAC secret, at least 32 bytes long');
  }
  if (bytes.byteLength < (HMAC_MIN_KEY_BYTES['HS256'] ?? 32)) {
    throw new ConfigurationError(option, `is ${bytes.byteLength} bytes long, shorter than the 32 bytes HS256 needs`, 'Use a random secret of at least 32 bytes (RFC 7518 section 3.2), for example 32 bytes from crypto.getRandomValues');
  }

  const algorithms = HMAC_ALGORITHMS.filter((name) => bytes.byteLength >= (HMAC_MIN_KEY_BYTES[name] ?? Infinity));
  return { spec: { kind: 'secret', secret: new Uint8Array(bytes) }, algorithms };
}

/** Rejects JWKs that carry private or symmetric material, encryption keys and weak RSA keys. */
function checkPublicJwk(option: string, jwk: JWK): void {
  if (typeof jwk !== 'object' || jwk === null || typeof jwk.kty !== 'string') {
    throw new ConfigurationError(option, 'is not a JWK', 'Pass an object with at least a "kty" member');
  }
  if (jwk.kty === 'oct') {
    throw new ConfigurationError(option, 'is a symmetric (oct) key', 'Symmetric keys are never taken from a key set. Use the secret option for HMAC');
  }
  if ('d' in jwk || 'p' in jwk) {
    throw new ConfigurationError(option, 'contains private key members', 'Publish and pass only the public members of the key');
  }
  if (jwk.use === 'enc') {
    throw new ConfigurationError(option, 'is an encryption key (use "enc")', 'Pass signing keys only');
  }
  if (jwk.kty === 'RSA') checkRsaBits(option, base64UrlBytes(jwk.n) * 8);
  algorithmsOfJwk(jwk, option);
}

/** Lists the algorithms a public JWK can verify, from its `alg`, or else from its type and curve. */
export function algorithmsOfJwk(jwk: JWK, option?: string): readonly Algorithm[] {
  if (typeof jwk.alg === 'string' && ASYMMETRIC_ALGORITHMS.includes(jwk.alg as Algorithm)) return [jwk.alg as Algorithm];

  if (jwk.kty === 'RSA') return RSA_ALGORITHMS;
  if (jwk.kty === 'EC' && typeof jwk.crv === 'string' && jwk.crv in EC_ALGORITHMS) return [EC_ALGORITHMS[jwk.crv as keyof typeof EC_ALGORITHMS]];
  if (jwk.kty === 'OKP' && jwk.crv === 'Ed25519') return OKP_ALGORITHMS;

  if (option === undefined) return [];
  throw new ConfigurationError(option, `has an unsupported key type or curve (kty ${String(jwk.kty)}, crv ${String(jwk.crv)}, alg ${String(jwk.alg)})`, 'Use RSA, EC P-256/P-384/P-521 or OKP Ed25519 keys');
}

function checkRsaBits(option: string, bits: number): void {
  if (bits < MIN_RSA_BITS) {
    throw new ConfigurationError(option, `is an RSA key of ${bits} bits`, `RSA keys must have at least ${MIN_RSA_BITS} bits (RFC 7518 section 3.3)`);
  }
}

function ecAlgorithm(option: string, curve: string | undefined): Algorithm {
  const algorithm = curve === undefined ? undefined : EC_ALGORITHMS[curve as keyof typeof EC_ALGORITHMS];
  if (algorithm === undefined) {
    throw new ConfigurationError(option, `uses the unsupported curve ${String(curve)}`, 'Use P-256, P-384 or P-521');
  }
  return algorithm;
}

function curveName(nodeCurve: string | undefined): string | undefined {
  const names: Record<string, string> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };
  return nodeCurve === undefined ? undefined : names[nodeCurve] ?? nodeCurve;
}

/** Returns the byte length of a base64url string, or 0 when it is missing. */
function base64UrlBytes(text: unknown): number {
  if (typeof text !== 'string') return 0;
  const unpadded = text.replace(/=+$/, '');
  return Math.floor((unpadded.length * 6) / 8);
}

function isCryptoKey(value: unknown): value is CryptoKey {
  return typeof CryptoKey !== 'undefined' && value instanceof CryptoKey;
}

function isKeyObject(value: unknown): value is KeyObject {
  return typeof value === 'object' && value !== null && 'asymmetricKeyType' in value && 'export' in value;
}
