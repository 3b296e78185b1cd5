import { errors, type JWTPayload, type JWTVerifyOptions, type ProtectedHeaderParameters } from 'jose';
import { decodeSegment } from '../inspect-token.js';
import type { IssuerRuntime } from '../issuer-directory.js';
import { validateClaims } from './claims.js';
import type { NodeSignatureVerifier } from './node-signature.js';

/** The outcome of a verification, with the key that verified it. */
export interface Verified {
  payload: JWTPayload;
  protectedHeader: ProtectedHeaderParameters;
  key: unknown;
}

// Canonical base64url only. Anything else (padding, the standard alphabet, whitespace) goes to
// jose, whose decoder is more lenient, so both paths agree on every input.
const CANONICAL_SEGMENT = /^[A-Za-z0-9_-]*$/;

/**
 * Verifies a token with node:crypto and jose's claim rules. It returns undefined when the token
 * needs jose's full path, which is the case for a `crit` or `b64` header, an algorithm outside the
 * allowlist, several matching keys, a key the fast path does not take, or non-canonical encoding.
 * The checks run in jose's order: algorithm, key, signature, claims.
 */
export async function verifyFast(
  token: string,
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
  runtime: IssuerRuntime,
  options: JWTVerifyOptions,
  signatures: NodeSignatureVerifier,
): Promise<Verified | undefined> {
  const alg = header['alg'];
  if (typeof alg !== 'string' || !(runtime.spec.algorithms as readonly string[]).includes(alg)) return undefined;
  if ('crit' in header || 'b64' in header) return undefined;

  const [protectedSegment = '', payloadSegment = '', signatureSegment = ''] = token.split('.');
  if (!CANONICAL_SEGMENT.test(protectedSegment) || !CANONICAL_SEGMENT.test(payloadSegment) || !CANONICAL_SEGMENT.test(signatureSegment)) return undefined;

  let key: unknown;
  try {
    key = await runtime.keySource.getKey(header as ProtectedHeaderParameters & { alg: string }, { protected: protectedSegment, payload: payloadSegment, signature: signatureSegment });
  } catch (error) {
    if (error instanceof errors.JWKSMultipleMatchingKeys) return undefined;
    throw error;
  }

  const valid = signatures.verify(alg, key, `${protectedSegment}.${payloadSegment}`, decodeSignature(signatureSegment));
  if (valid === undefined) return undefined;
  if (!valid) throw new errors.JWSSignatureVerificationFailed();

  return { payload: validateClaims(header, claims, options), protectedHeader: header as ProtectedHeaderParameters, key };
}

/** Decodes the signature segment, failing the way jose does for text that is not base64url. */
function decodeSignature(segment: string): Uint8Array {
  try {
    return decodeSegment(segment);
  } catch (cause) {
    throw new errors.JWSInvalid('Failed to base64url decode the signature', { cause });
  }
}
