import type { ConformanceTokens, extraConformanceTokens } from './conformance.js';
import { signRawCompact, unsignedToken } from './jws.js';
import { startIssuer, type LocalIssuer } from './issuer.js';
import { generateTestKey, generateTestKeys, type TestKey } from './keys.js';
import { tokenPresets } from './token-presets.js';
import { createTokenFactory, type TokenFactory } from './tokens.js';

/** Verifier options an adapter's conformance app is built from. */
export interface ConformanceAppOptions {
  issuer: string;
  audience: string;
  jwksUri: string;
}

/** Everything an adapter needs to run the conformance table. */
export interface ConformanceSetup {
  /** Options for the app that serves every row except the key-source outage. */
  options: ConformanceAppOptions;
  /** Options whose JWKS URL refuses connections, for the `unavailable` rows. */
  unavailableOptions: ConformanceAppOptions;
  tokens: ConformanceTokens;
  issuer: LocalIssuer;
  close(): Promise<void>;
}

export const CONFORMANCE_AUDIENCE = 'https://api.example.com';

/** Signs the tokens of the table that are not presets. */
async function signExtraTokens(factory: TokenFactory, key: TestKey): Promise<Record<(typeof extraConformanceTokens)[number], string>> {
  const claims = factory.sign.bind(factory);
  const now = Math.floor(Date.now() / 1000);
  const payload = { iss: factory.issuer, aud: CONFORMANCE_AUDIENCE, sub: 'user-123', iat: now - 60, exp: now + 3600 };
  const header = JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: key.kid });
  const attacker = await generateTestKey('RS256', 'attacker');

  return {
    oversized: await claims({ claims: { padding: 'x'.repeat(9000) } }),
    algNoneCapitalized: unsignedToken({ alg: 'None', typ: 'JWT' }, payload),
    missingIssuer: await claims({ claims: { iss: undefined } }),
    missingAudience: await claims({ claims: { aud: undefined } }),
    audienceList: await claims({ claims: { aud: ['https://other.example.com', CONFORMANCE_AUDIENCE] } }),
    audienceNested: await claims({ claims: { aud: [[CONFORMANCE_AUDIENCE]] } }),
    expirationString: await claims({ claims: { exp: String(now + 3600) } }),
    payloadArray: await signRawCompact(header, JSON.stringify([payload]), key.privateKey, 'RS256'),
    duplicateClaim: await signRawCompact(header, JSON.stringify(payload).replace('"sub":"user-123"', '"sub":"user-123","sub":"admin"'), key.privateKey, 'RS256'),
    critUnknown: await signRawCompact(JSON.stringify({ alg: 'RS256', kid: key.kid, crit: ['x-policy'], 'x-policy': 'mfa' }), JSON.stringify(payload), key.privateKey, 'RS256'),
    embeddedKey: await claims({ key: attacker, header: { jwk: attacker.publicJwk } }),
    scopeSuperstring: await claims({ claims: { scope: 'write:items-admin' } }),
    scopeUppercase: await claims({ claims: { scope: 'WRITE:ITEMS' } }),
    scopeTwoSpaces: await claims({ claims: { scope: 'read:items  write:items' } }),
    scopeArray: await claims({ claims: { scope: ['write:items'] } }),
  };
}

/** Starts a local issuer and a refusing one, and signs every token the table sends. */
export async function startConformanceSetup(): Promise<ConformanceSetup> {
  const keys = await generateTestKeys();
  const issuer = await startIssuer({ keys: [keys.rsa] });
  const downIssuer = await startIssuer({ keys: [keys.rsa] });
  await downIssuer.fault({ kind: 'refuse' });

  const factory = createTokenFactory({ issuer: issuer.issuer, audience: CONFORMANCE_AUDIENCE, key: keys.rsa });
  const presets = await Promise.all(tokenPresets.map(async (name) => [name, await factory.preset(name)] as const));
  const extras = await signExtraTokens(factory, keys.rsa);
  const tokens = Object.freeze({ ...Object.fromEntries(presets), ...extras }) as ConformanceTokens;

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
