import { buildComparison, failedComparison, formatRate, formatRatio } from '../comparison.js';
import type { BenchEnvironment, TokenSet } from '../environment.js';
import type { BenchKey } from '../fixtures/keys.js';
import { benchAlgorithms } from '../fixtures/keys.js';
import { log } from '../log.js';
import type { Comparison, ComparisonGroup, MemoryResult } from '../results.js';
import { runInterleaved } from '../rounds.js';
import type { VerifySettings } from '../settings.js';
import { awsJwtVerifyEntry, fastJwtEntry, joseEntry, latchkeyEntry, threadpoolFloorEntry, type EntryContext } from './entries.js';
import { createSyncFloor } from './floor.js';
import { checkEntry, describeError, timeSlice, TokenStream, warmUp, type VerifyEntry } from './measure.js';

export interface VerifySuiteResult {
  groups: ComparisonGroup[];
  memory: MemoryResult[];
}

/** Measures in-process verification for every algorithm, with distinct tokens and with one repeated token. */
export async function runVerifySuite(environment: BenchEnvironment, settings: VerifySettings): Promise<VerifySuiteResult> {
  const result: VerifySuiteResult = { groups: [], memory: [] };

  for (const alg of benchAlgorithms) {
    const context: EntryContext = { key: environment.keys.get(alg)!, tokens: environment.context, issuer: environment.issuer, jwks: environment.jwks };

    await runAlgorithm(context, await environment.tokens(alg), settings, result);
  }

  return result;
}

async function runAlgorithm(context: EntryContext, tokens: TokenSet, settings: VerifySettings, result: VerifySuiteResult): Promise<void> {
  const alg = context.key.alg;

  const rssBefore = process.memoryUsage().rss;
  const distinctEntries = [threadpoolFloorEntry(context), latchkeyEntry(context), joseEntry(context), fastJwtEntry(context, false), awsJwtVerifyEntry(context)];
  result.groups.push(await runGroup(`verify-${alg}-distinct`, `${alg}, ${tokens.distinct.length.toLocaleString('en-US')} distinct tokens`, context.key, tokens, tokens.distinct, distinctEntries, settings));
  result.memory.push(memoryAfterStream(alg, rssBefore, tokens.distinct.length));

  const sameEntries = [threadpoolFloorEntry(context), latchkeyEntry(context), joseEntry(context), fastJwtEntry(context, false), fastJwtEntry(context, true), awsJwtVerifyEntry(context)];
  result.groups.push(await runGroup(`verify-${alg}-same`, `${alg}, one token repeated`, context.key, tokens, [tokens.same], sameEntries, settings));
}

function memoryAfterStream(alg: string, rssBefore: number, tokens: number): MemoryResult {
  const usage = process.memoryUsage();

  return {
    label: `benchmark process, ${alg} distinct-token group`,
    rssBefore,
    rssAfter: usage.rss,
    heapUsedAfter: usage.heapUsed,
    load: `all entries of the group, each verifying the ${tokens.toLocaleString('en-US')}-token stream in every round`,
  };
}

async function runGroup(id: string, title: string, key: BenchKey, tokens: TokenSet, stream: string[], entries: VerifyEntry[], settings: VerifySettings): Promise<ComparisonGroup> {
  const floor: VerifyEntry = { id: 'floor-sync', label: 'node:crypto floor, synchronous', mode: 'sync', verify: createSyncFloor(key), notes: [] };
  const floorStream = new TokenStream(stream);
  const comparisons: Comparison[] = [];

  await warmUp(floor, floorStream, settings.warmupOperations);

  for (const entry of entries) {
    const comparison = await measureEntry(floor, floorStream, entry, tokens, stream, settings);
    comparisons.push(comparison);
    log(`${title}: ${entry.label} ${formatRate(comparison.value.median)}/s, floor ${formatRate(comparison.baseline.median)}/s, ratio ${formatRatio(comparison.ratio)}`);
  }

  return { id, kind: 'verify', title, baselineLabel: floor.label, unit: 'verifications/s', comparisons };
}

async function measureEntry(floor: VerifyEntry, floorStream: TokenStream, entry: VerifyEntry, tokens: TokenSet, stream: string[], settings: VerifySettings): Promise<Comparison> {
  const problems = await checkEntry(entry, tokens.same, tokens.bad);

  if (problems.some((problem) => problem.startsWith('rejected a valid token'))) {
    return failedComparison(entry, problems);
  }

  const entryStream = new TokenStream(stream);

  try {
    await warmUp(entry, entryStream, settings.warmupOperations);

    const runs = await runInterleaved(
      settings.rounds,
      settings.slicesPerRound,
      () => timeSlice(floor, floorStream, settings),
      () => timeSlice(entry, entryStream, settings),
    );

    return buildComparison(entry, runs, problems);
  } catch (error) {
    return failedComparison(entry, [...problems, `failed while timed: ${describeError(error)}`]);
  }
}
