import { startIssuer, type LocalIssuer, type TestAlgorithm } from '@latchkey/test-fixtures';
import type { JSONWebKeySet } from 'jose';

import { benchAlgorithms, createBenchKey, type BenchKey } from './fixtures/keys.js';
import { assertLoopback } from './fixtures/loopback-fetch.js';
import { signToken, signTokens, withBadSignature, type TokenContext } from './fixtures/tokens.js';
import { log } from './log.js';

export const benchAudience = 'https://api.example.com';

/** Tokens of one algorithm: a distinct stream, one repeated token and its bad-signature twin. */
export interface TokenSet {
  distinct: string[];
  same: string;
  bad: string;
}

/** A local issuer that publishes one key per algorithm, and the tokens that the suites share. */
export interface BenchEnvironment {
  issuer: LocalIssuer;
  context: TokenContext;
  /** The JWK Set that the issuer serves, fetched once. */
  jwks: JSONWebKeySet;
  keys: ReadonlyMap<TestAlgorithm, BenchKey>;
  /** Signs the tokens of the algorithm on first use and returns the same set afterwards. */
  tokens(alg: TestAlgorithm): Promise<TokenSet>;
  close(): Promise<void>;
}

export async function createEnvironment(distinctTokens: number): Promise<BenchEnvironment> {
  const keyList = await Promise.all(benchAlgorithms.map((alg) => createBenchKey(alg)));
  const keys = new Map(keyList.map((key) => [key.alg, key]));
  const issuer = await startIssuer({ keys: keyList.map((key) => key.testKey) });
  const context = { issuer: issuer.issuer, audience: benchAudience };
  const tokenSets = new Map<TestAlgorithm, Promise<TokenSet>>();

  const tokens = (alg: TestAlgorithm): Promise<TokenSet> => {
    let set = tokenSets.get(alg);

    if (set === undefined) {
      set = createTokenSet(keys.get(alg)!, context, distinctTokens);
      tokenSets.set(alg, set);
    }

    return set;
  };

  return { issuer, context, jwks: await fetchJwks(issuer.jwksUri), keys, tokens, close: () => issuer.close() };
}

async function fetchJwks(url: string): Promise<JSONWebKeySet> {
  assertLoopback(url);

  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });

  return (await response.json()) as JSONWebKeySet;
}

async function createTokenSet(key: BenchKey, context: TokenContext, count: number): Promise<TokenSet> {
  const started = performance.now();
  const distinct = await signTokens(key, context, count);
  const same = await signToken(key, context);

  log(`${key.alg}: signed ${count.toLocaleString('en-US')} distinct tokens in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  return { distinct, same, bad: withBadSignature(same) };
}
