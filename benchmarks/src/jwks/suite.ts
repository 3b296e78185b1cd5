import { startIssuer, type LocalIssuer } from '@latchkey/test-fixtures';

import { benchAudience } from '../environment.js';
import { createBenchKey, type BenchKey } from '../fixtures/keys.js';
import { signToken, signTokens, type TokenContext } from '../fixtures/tokens.js';
import type { ServerAuthConfig, ServerVariant } from '../http/apps/types.js';
import { startServer, type ServerProcess } from '../http/child.js';
import { frameworkPlans, variantDescriptions } from '../http/variants.js';
import { log } from '../log.js';
import type { FetchCount, JwksResult } from '../results.js';
import type { JwksSettings } from '../settings.js';
import { describeError } from '../verify/measure.js';
import { runConcurrently, sendRequests, type Outcomes } from './requests.js';
import { coldAwsJwtVerify, coldJose, coldLatchkey, type ColdVerifier, type ColdVerifierConfig } from './verifiers.js';

/** Tokens for one stampede and one unknown-kid burst. */
interface JwksTokens {
  stampede: string[];
  unknownKid: string[];
}

/** Counts JWKS requests at the issuer for a cold stampede and for a burst of unknown key ids, per verifier. */
export async function runJwksSuite(settings: JwksSettings, startTimeoutMilliseconds: number): Promise<JwksResult[]> {
  const key = await createBenchKey('RS256');
  const issuer = await startIssuer({ keys: [key.testKey] });
  const results: JwksResult[] = [];

  try {
    const context = { issuer: issuer.issuer, audience: benchAudience };
    const tokens = await createJwksTokens(key, context, settings);
    const auth: ServerAuthConfig = { issuer: issuer.issuer, jwksUri: issuer.jwksUri, audience: benchAudience };

    for (const variant of frameworkPlans.flatMap((plan) => plan.variants)) {
      results.push(logResult(await countForServer(variant, issuer, auth, tokens, settings, startTimeoutMilliseconds)));
    }

    for (const create of [coldLatchkey, coldJose, coldAwsJwtVerify]) {
      results.push(logResult(await countForVerifier(create(auth satisfies ColdVerifierConfig), issuer, tokens, settings)));
    }
  } finally {
    await issuer.close();
  }

  return results;
}

/** Signs distinct valid tokens for the stampede, and tokens whose `kid` values are all distinct and unpublished. */
async function createJwksTokens(key: BenchKey, context: TokenContext, settings: JwksSettings): Promise<JwksTokens> {
  const unpublished = await createBenchKey('RS256', 'unpublished');
  const stampede = await signTokens(key, context, settings.stampedeRequests);
  const unknownKid = await Promise.all(Array.from({ length: settings.unknownKidTokens }, (_, index) => signToken(unpublished, context, `unknown-${index}-${Math.random().toString(16).slice(2, 10)}`)));

  return { stampede, unknownKid };
}

async function countForServer(variant: ServerVariant, issuer: LocalIssuer, auth: ServerAuthConfig, tokens: JwksTokens, settings: JwksSettings, startTimeoutMilliseconds: number): Promise<JwksResult> {
  const description = variantDescriptions[variant];
  let server: ServerProcess | undefined;

  try {
    server = await startServer(variant, auth, startTimeoutMilliseconds);

    const url = server.url;
    const send = (batch: readonly string[], concurrency: number) => sendRequests(url, batch, concurrency, settings.requestTimeoutMilliseconds);
    const result = await countBoth(issuer, tokens, settings, send);

    return { id: variant, label: description.label, where: 'http', ...result, notes: description.notes };
  } catch (error) {
    log(`JWKS ${description.label}: failed: ${describeError(error)}`);

    return { id: variant, label: description.label, where: 'http', ...emptyCounts(), notes: [`failed: ${describeError(error)}`] };
  } finally {
    await server?.stop();
  }
}

async function countForVerifier(verifier: ColdVerifier, issuer: LocalIssuer, tokens: JwksTokens, settings: JwksSettings): Promise<JwksResult> {
  const send = (batch: readonly string[], concurrency: number) =>
    runConcurrently(batch.map((token) => () => verifyOutcome(verifier, token, settings.requestTimeoutMilliseconds)), concurrency);
  const result = await countBoth(issuer, tokens, settings, send);

  return { id: verifier.id, label: verifier.label, where: 'in-process', ...result, notes: verifier.notes };
}

/** Verifies one token and returns `ok` or the error's name, giving up after the time limit. */
async function verifyOutcome(verifier: ColdVerifier, token: string, timeoutMilliseconds: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve('timed out'), timeoutMilliseconds);
  });

  try {
    return await Promise.race([verifier.verify(token).then(() => 'ok', (error: unknown) => errorName(error)), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

type Send = (tokens: readonly string[], concurrency: number) => Promise<Outcomes>;

async function countBoth(issuer: LocalIssuer, tokens: JwksTokens, settings: JwksSettings, send: Send): Promise<{ stampede: FetchCount; unknownKid: FetchCount }> {
  const stampede = await countFetches(issuer, () => send(tokens.stampede, tokens.stampede.length));
  const unknownKid = await countFetches(issuer, () => send(tokens.unknownKid, settings.burstConcurrency));

  return { stampede, unknownKid };
}

async function countFetches(issuer: LocalIssuer, action: () => Promise<Outcomes>): Promise<FetchCount> {
  issuer.resetCounts();

  const started = performance.now();
  const outcomes = await action();
  const milliseconds = performance.now() - started;
  const requests = Object.values(outcomes).reduce((sum, count) => sum + count, 0);

  return { requests, fetches: issuer.requests.jwks, outcomes, milliseconds };
}

function emptyCounts(): { stampede: FetchCount; unknownKid: FetchCount } {
  const empty = (): FetchCount => ({ requests: 0, fetches: Number.NaN, outcomes: {}, milliseconds: 0 });

  return { stampede: empty(), unknownKid: empty() };
}

function logResult(result: JwksResult): JwksResult {
  log(`JWKS ${result.label}: stampede ${result.stampede.fetches} fetches (${describeOutcomes(result.stampede.outcomes)}), unknown kid ${result.unknownKid.fetches} fetches (${describeOutcomes(result.unknownKid.outcomes)})`);

  return result;
}

export function describeOutcomes(outcomes: Outcomes): string {
  const parts = Object.entries(outcomes).map(([key, count]) => `${count} × ${key}`);

  return parts.length === 0 ? 'none' : parts.join(', ');
}

/** Names an error by its class, since some libraries throw errors whose `name` is the generic `Error`. */
function errorName(error: unknown): string {
  if (!(error instanceof Error)) {
    return 'error';
  }

  return error.name === 'Error' ? error.constructor.name : error.name;
}
