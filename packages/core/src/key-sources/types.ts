import type { CompactJWSHeaderParameters, CryptoKey, FlattenedJWSInput, JWK, KeyObject } from 'jose';

/** A key that jose can verify with. */
export type VerificationKey = CryptoKey | KeyObject | JWK | Uint8Array;

/** Finds the key for a token's protected header. Rejects with a latchkey failure or a jose error. */
export interface KeySource {
  getKey(header: CompactJWSHeaderParameters, token: FlattenedJWSInput): Promise<VerificationKey>;
  /**
   * The generation of the key set when it can be used without fetching, or undefined when it
   * cannot. The generation changes whenever a fetch brings a different key set, so a cached
   * verification is used only while the keys it was made with are current. Sources without this
   * method never change their keys.
   */
  currentGeneration?(): number | undefined;
  /**
   * Fetches the key set again for a token without `kid` whose signature no cached key verifies,
   * as an unknown `kid` would, within the same cooldown. Resolves to whether a different key set
   * arrived. Sources without this method never change their keys.
   */
  refreshForKeylessToken?(): Promise<boolean>;
}
