import { buildComparison, failedComparison, formatRate, formatRatio } from '../comparison.js';
import type { BenchEnvironment, TokenSet } from '../environment.js';
import { log } from '../log.js';
import { describeError, TokenStream } from '../verify/measure.js';
import type { Comparison, ComparisonGroup, MemoryResult } from '../results.js';
import { runInterleaved, type Sample } from '../rounds.js';
import type { HttpSettings } from '../settings.js';
import type { ServerAuthConfig, ServerVariant } from './apps/types.js';
import { startServer, type ServerProcess } from './child.js';
import { runLoad, unexpectedResponses } from './load.js';
import { frameworkPlans, latchkeyVariants, variantDescriptions, type FrameworkPlan } from './variants.js';

export interface HttpSuiteResult {
  groups: ComparisonGroup[];
  memory: MemoryResult[];
}

/** The two request scenarios: a valid token (expect 200) and a token with a bad signature (expect 401). */
interface Scenario {
  id: 'valid' | 'rejected';
  title: string;
  token: string;
  expectedStatus: number;
}

/** Measures requests per second of each authenticated server against the same framework without authentication. */
export async function runHttpSuite(environment: BenchEnvironment, settings: HttpSettings): Promise<HttpSuiteResult> {
  const tokens = await environment.tokens('RS256');
  const auth: ServerAuthConfig = { issuer: environment.issuer.issuer, jwksUri: environment.issuer.jwksUri, audience: environment.context.audience };
  const result: HttpSuiteResult = { groups: [], memory: [] };

  for (const plan of frameworkPlans) {
    await runFramework(plan, auth, tokens, settings, result);
  }

  return result;
}

function scenariosOf(tokens: TokenSet): Scenario[] {
  return [
    { id: 'valid', title: 'valid token', token: tokens.same, expectedStatus: 200 },
    { id: 'rejected', title: 'rejected token (bad signature)', token: tokens.bad, expectedStatus: 401 },
  ];
}

async function runFramework(plan: FrameworkPlan, auth: ServerAuthConfig, tokens: TokenSet, settings: HttpSettings, result: HttpSuiteResult): Promise<void> {
  const scenarios = scenariosOf(tokens);
  const groups = scenarios.map((scenario) => newGroup(plan, scenario));
  const plain = await startServer(plan.plain, auth, settings.startTimeoutMilliseconds);

  try {
    await runLoad({ url: plain.url, token: tokens.same, durationSeconds: settings.warmupSeconds, connections: settings.connections, maxRequests: settings.maxRequestsPerRun });

    for (const variant of plan.variants) {
      const comparisons = await measureVariant(variant, plain, auth, tokens, scenarios, settings, result.memory);
      comparisons.forEach((comparison, index) => groups[index]!.comparisons.push(comparison));
    }
  } finally {
    await plain.stop();
  }

  result.groups.push(...groups);
}

function newGroup(plan: FrameworkPlan, scenario: Scenario): ComparisonGroup {
  return {
    id: `http-${plan.id}-${scenario.id}`,
    kind: 'http',
    title: `${plan.title}, ${scenario.title}`,
    baselineLabel: variantDescriptions[plan.plain].label,
    unit: 'requests/s',
    comparisons: [],
  };
}

/** Starts the variant's server, measures every scenario against the plain server, and stops it. Returns one comparison per scenario. */
async function measureVariant(variant: ServerVariant, plain: ServerProcess, auth: ServerAuthConfig, tokens: TokenSet, scenarios: Scenario[], settings: HttpSettings, memory: MemoryResult[]): Promise<Comparison[]> {
  const description = { id: variant, ...variantDescriptions[variant] };
  let server: ServerProcess;

  try {
    server = await startServer(variant, auth, settings.startTimeoutMilliseconds);
  } catch (error) {
    return scenarios.map(() => failedComparison(description, [describeError(error)]));
  }

  try {
    const comparisons: Comparison[] = [];
    const before = await server.memory();

    for (const scenario of scenarios) {
      comparisons.push(await measureScenario(description, plain, server, scenario, settings));
    }

    memory.push(await memoryUnderLoad(server, before, `the ${scenarios.length} scenarios, ${settings.rounds} rounds each, one token per scenario`));

    if (latchkeyVariants.includes(variant)) {
      memory.push(await memoryUnderDistinctLoad(server, tokens, settings));
    }

    return comparisons;
  } finally {
    await server.stop();
  }
}

async function measureScenario(description: { id: string; label: string; notes: string[] }, plain: ServerProcess, server: ServerProcess, scenario: Scenario, settings: HttpSettings): Promise<Comparison> {
  const problems = new Set<string>();

  const load = async (target: ServerProcess, expectedStatus: number): Promise<Sample> => {
    const outcome = await runLoad({ url: target.url, token: scenario.token, durationSeconds: settings.durationSeconds, connections: settings.connections, maxRequests: settings.maxRequestsPerRun });
    const unexpected = unexpectedResponses(outcome, expectedStatus);

    if (unexpected !== '') {
      problems.add(`${variantDescriptions[target.variant].label}: ${unexpected}`);
    }

    return { operations: outcome.requests, seconds: outcome.seconds };
  };

  try {
    await runLoad({ url: server.url, token: scenario.token, durationSeconds: settings.warmupSeconds, connections: settings.connections, maxRequests: settings.maxRequestsPerRun });

    const runs = await runInterleaved(settings.rounds, settings.slicesPerRound, () => load(plain, 200), () => load(server, scenario.expectedStatus));
    const comparison = buildComparison(description, runs, [...problems]);

    log(`HTTP ${server.variant}, ${scenario.title}: ${formatRate(comparison.value.median)} req/s, plain ${formatRate(comparison.baseline.median)} req/s, ratio ${formatRatio(comparison.ratio)}`);

    return comparison;
  } catch (error) {
    return failedComparison(description, [...problems, describeError(error)]);
  }
}

async function memoryUnderLoad(server: ServerProcess, before: { rss: number }, load: string): Promise<MemoryResult> {
  const after = await server.memory();

  return { label: `${variantDescriptions[server.variant].label} server process`, rssBefore: before.rss, rssAfter: after.rss, heapUsedAfter: after.heapUsed, load };
}

/** Sends the stream of distinct tokens, more than any verified-token cache holds, and samples memory before and after. */
async function memoryUnderDistinctLoad(server: ServerProcess, tokens: TokenSet, settings: HttpSettings): Promise<MemoryResult> {
  const stream = new TokenStream(tokens.distinct);
  const before = await server.memory();
  const duration = settings.durationSeconds * settings.slicesPerRound * settings.rounds;

  const outcome = await runLoad({ url: server.url, nextToken: () => stream.next(), durationSeconds: duration, connections: settings.connections, maxRequests: settings.maxRequestsPerRun });
  const after = await server.memory();

  return {
    label: `${variantDescriptions[server.variant].label} server process`,
    rssBefore: before.rss,
    rssAfter: after.rss,
    heapUsedAfter: after.heapUsed,
    load: `${outcome.requests.toLocaleString('en-US')} requests in ${duration} s cycling through ${tokens.distinct.length.toLocaleString('en-US')} distinct tokens${unexpectedSuffix(outcome)}`,
  };
}

function unexpectedSuffix(outcome: Parameters<typeof unexpectedResponses>[0]): string {
  const unexpected = unexpectedResponses(outcome, 200);

  return unexpected === '' ? '' : `; ${unexpected}`;
}
