/**
 * The long property run: mutated tokens (header and payload JSON, duplicate members, base64url
 * alphabet and padding, lengths, signature bytes, unicode) checked against jose's jwtVerify under
 * the same policy. `pnpm fuzz` runs it; FUZZ_RUNS sets the number of inputs (default 1,000,000)
 * and FUZZ_SEED the seed. It prints a JSON summary with the slowest verification per input size.
 */
import fc from 'fast-check';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { createVerifier, isLatchkeyError } from '../packages/core/src/index.js';
import { mutatedTokens } from '../packages/core/test/support/token-mutations.js';
import { generateTestKey } from '../test-fixtures/src/index.js';

const ISSUER = 'https://auth.example.com/';
const AUDIENCE = 'https://api.example.com';
const T = 1_700_000_000;

const runs = Number(process.env['FUZZ_RUNS'] ?? 1_000_000);
const seed = Number(process.env['FUZZ_SEED'] ?? Date.now() % 2 ** 31);

async function main(): Promise<void> {
  // Ed25519 keeps signing cheap, so a million inputs finish in minutes; the checks do not depend on the algorithm.
  const key = await generateTestKey('EdDSA', 'k1');
  const verifier = createVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: { keys: [key.publicJwk] }, algorithms: ['EdDSA'], clock: () => T * 1000 });
  const joseKeys = createLocalJWKSet({ keys: [key.publicJwk] });
  const context = { key, header: { alg: 'EdDSA', typ: 'JWT', kid: 'k1' }, claims: { iss: ISSUER, aud: AUDIENCE, sub: 'user-123', iat: T - 60, exp: T + 3600 } };

  const stats = { runs: 0, accepted: 0, rejected: 0, disagreements: 0, escapedErrors: 0, serverErrors: 0 };
  const slowestByKilobyte = new Map<number, number>();
  const startedAt = Date.now();

  const result = await fc.check(
    fc.asyncProperty(mutatedTokens(context), async (pending) => {
      const { token } = await pending;
      stats.runs++;

      const before = performance.now();
      const verdict = await verifier.verify(token).then(
        () => 'accepted' as const,
        (error: unknown) => error,
      );
      const elapsed = performance.now() - before;
      const bucket = Math.floor(token.length / 1024);
      slowestByKilobyte.set(bucket, Math.max(slowestByKilobyte.get(bucket) ?? 0, elapsed));

      if (verdict === 'accepted') {
        stats.accepted++;
        const joseAccepted = await jwtVerify(token, joseKeys, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['EdDSA'], requiredClaims: ['exp'], clockTolerance: 5, currentDate: new Date(T * 1000) }).then(
          () => true,
          () => false,
        );
        if (!joseAccepted) stats.disagreements++;
        return joseAccepted;
      }

      stats.rejected++;
      if (!isLatchkeyError(verdict)) {
        stats.escapedErrors++;
        return false;
      }
      if (verifier.render(verdict).status >= 500) stats.serverErrors++;
      return verifier.render(verdict).status < 500;
    }),
    { numRuns: runs, seed },
  );

  const summary = {
    seed,
    runs: stats.runs,
    accepted: stats.accepted,
    rejected: stats.rejected,
    disagreements: stats.disagreements,
    escapedErrors: stats.escapedErrors,
    serverErrors: stats.serverErrors,
    failed: result.failed,
    counterexample: result.counterexample === null ? null : String(result.counterexample),
    seconds: Math.round((Date.now() - startedAt) / 1000),
    slowestMsByKilobyte: Object.fromEntries([...slowestByKilobyte.entries()].sort(([a], [b]) => a - b).map(([kb, ms]) => [`${kb}-${kb + 1} KiB`, Number(ms.toFixed(2))])),
    node: process.version,
  };
  console.log(JSON.stringify(summary, null, 2));
  if (result.failed) process.exit(1);
}

await main();
