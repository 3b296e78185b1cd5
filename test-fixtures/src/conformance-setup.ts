import type { ConformanceTokens } from './conformance.js';
import { startIssuer, type LocalIssuer } from './issuer.js';
import { generateTestKeys } from './keys.js';
import { tokenPresets } from './token-presets.js';
import { createTokenFactory } from './tokens.js';

/** Verifier options an adapter's conformance app is built from. */
export interface ConformanceAppOptions {
  issuer: string;
  audience: string;
  jwksUri: string;
}

/** Everything an adapter needs to run the conformance table. */
export interface ConformanceSetup {
  /** Options for the app that answers every row except the key-source outage. */
  options: ConformanceAppOptions;
  /** Options whose JWKS URL refuses connections, for the `unavailable` rows. */
  unavailableOptions: ConformanceAppOptions;
  tokens: ConformanceTokens;
  issuer: LocalIssuer;
  close(): Promise<void>;
}

export const CONFORMANCE_AUDIENCE = 'https://api.example.com';

/** Starts a local issuer and a refusing one, and signs every token the table sends. */
export async function startConformanceSetup(): Promise<ConformanceSetup> {
  const keys = await generateTestKeys();
  const issuer = await startIssuer({ keys: [keys.rsa] });
  const downIssuer = await startIssuer({ keys: [keys.rsa] });
  await downIssuer.fault({ kind: 'refuse' });

  const factory = createTokenFactory({ issuer: issuer.issuer, audience: CONFORMANCE_AUDIENCE, key: keys.rsa });
  const presets = await Promise.all(tokenPresets.map(async (name) => [name, await factory.preset(name)] as const));
  const oversized = await factory.sign({ claims: { padding: 'x'.repeat(9000) } });
  const tokens = Object.freeze({ ...Object.fromEntries(presets), oversized }) as ConformanceTokens;

  return {
    options: { issuer: issuer.issuer, audience: CONFORMANCE_AUDIENCE, jwksUri: issuer.jwksUri },
    unavailableOptions: { issuer: issuer.issuer, audience: CONFORMANCE_AUDIENCE, jwksUri: downIssuer.jwksUri },
    tokens,
    issuer,
    async close() {
      await Promise.all([issuer.close(), downIssuer.close()]);
    },
  };
}
