import type { CompactJWSHeaderParameters, CryptoKey, FlattenedJWSInput, JWK, KeyObject } from 'jose';

/** A key that jose can verify with. */
export type VerificationKey = CryptoKey | KeyObject | JWK | Uint8Array;

/** Finds the key for a token's protected header. Rejects with a latchkey failure or a jose error. */
export interface KeySource {
  getKey(header: CompactJWSHeaderParameters, token: FlattenedJWSInput): Promise<VerificationKey>;
}
