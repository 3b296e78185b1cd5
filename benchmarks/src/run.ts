/**
 * Runs the benchmark suites and writes the report. `pnpm bench` from the repository root runs it.
 * A full run writes docs/benchmarks.md, docs/benchmarks-ratios.svg and
 * benchmarks/results/latest.json. A quick or partial run writes benchmarks/results/smoke.* only,
 * so that smoke numbers never replace the published report. `BENCH_RENDER_ONLY=1` renders the
 * published report again from benchmarks/results/latest.json without measuring.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { createEnvironment } from './environment.js';
import { runHttpSuite } from './http/suite.js';
import { runJwksSuite } from './jwks/suite.js';
import { log } from './log.js';
import { cacheBoundsCoveringStream, latchkeyCacheBounds } from './report/cache-bounds.js';
import { describeMachine, installedVersions, latchkeyRevision } from './report/machine.js';
import { renderMarkdown } from './report/markdown.js';
import { renderRatioChart } from './report/svg.js';
import { evaluateTargets } from './report/targets.js';
import type { BenchResults, ComparisonGroup, JwksResult, MachineInfo, MemoryResult } from './results.js';
import { readSettings, type BenchSettings } from './settings.js';
import { describeError } from './verify/measure.js';
import { runVerifySuite } from './verify/suite.js';

/** The whole run is stopped after this long, whatever is still going on. */
const runTimeLimitMilliseconds = 30 * 60 * 1000;

const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));

interface Measurements {
  groups: ComparisonGroup[];
  memory: MemoryResult[];
  jwks: JwksResult[];
  skipped: string[];
}

async function measure(settings: BenchSettings): Promise<Measurements> {
  const measurements: Measurements = { groups: [], memory: [], jwks: [], skipped: [] };
  const environment = await createEnvironment(settings.verify.distinctTokens);

  try {
    if (settings.suites.has('verify')) {
      await runSuite('verify', measurements, async () => {
        const result = await runVerifySuite(environment, settings.verify);
        measurements.groups.push(...result.groups);
        measurements.memory.push(...result.memory);
      });
    }

    if (settings.suites.has('http')) {
      await runSuite('http', measurements, async () => {
        const result = await runHttpSuite(environment, settings.http);
        measurements.groups.push(...result.groups);
        measurements.memory.push(...result.memory);
      });
    }
  } finally {
    await environment.close();
  }

  if (settings.suites.has('jwks')) {
    await runSuite('jwks', measurements, async () => {
      measurements.jwks.push(...(await runJwksSuite(settings.jwks, settings.http.startTimeoutMilliseconds)));
    });
  }

  return measurements;
}

/** Runs one suite and records its failure instead of losing the other suites' results. */
async function runSuite(name: string, measurements: Measurements, suite: () => Promise<void>): Promise<void> {
  log(`suite ${name}: start`);

  try {
    await suite();
  } catch (error) {
    measurements.skipped.push(`The ${name} suite failed: ${describeError(error)}`);
    log(`suite ${name}: failed: ${describeError(error)}`);
  }
}

const publishedPaths = { json: 'benchmarks/results/latest.json', markdown: 'docs/benchmarks.md', chart: 'docs/benchmarks-ratios.svg', chartLink: 'benchmarks-ratios.svg' };

function outputPaths(settings: BenchSettings): typeof publishedPaths {
  const published = !settings.quick && settings.suites.size === 3;

  if (published) {
    return publishedPaths;
  }

  return { json: 'benchmarks/results/smoke.json', markdown: 'benchmarks/results/smoke.md', chart: 'benchmarks/results/smoke.svg', chartLink: 'smoke.svg' };
}

function writeOutput(relativePath: string, content: string): void {
  const path = join(repositoryRoot, relativePath);

  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  log(`wrote ${relativePath}`);
}

/** Maximum distinct tokens signed per algorithm, however large latchkey's cache is. */
const maxDistinctTokens = 100_000;

/**
 * Grows the distinct-token stream past latchkey's verified-token cache, as core reports it, so
 * that the distinct-token scenario measures cache misses whatever the cache size.
 */
function withStreamLongerThanCache(settings: BenchSettings, cacheBounds: Record<string, unknown>): BenchSettings {
  const bounds = cacheBoundsCoveringStream(cacheBounds, settings.verify.distinctTokens);
  const largest = Math.max(0, ...bounds.map((bound) => bound.value));

  if (largest === 0) {
    return settings;
  }

  const distinctTokens = Math.min(maxDistinctTokens, Math.ceil(largest * 1.25));
  log(`latchkey caches up to ${largest} tokens, so each algorithm gets ${distinctTokens} distinct tokens`);

  return { ...settings, verify: { ...settings.verify, distinctTokens } };
}

function buildResults(settings: BenchSettings, startedAt: Date, machine: MachineInfo, measurements: Measurements, cacheBounds: Record<string, unknown>): BenchResults {
  const finishedAt = new Date();
  const measured = { groups: measurements.groups, jwks: measurements.jwks };
  const covering = cacheBoundsCoveringStream(cacheBounds, settings.verify.distinctTokens);
  const skipped = [...measurements.skipped];

  if (covering.length > 0) {
    const limits = covering.map((bound) => `${bound.path} = ${bound.value}`).join(', ');
    skipped.push(`The distinct-token stream (${settings.verify.distinctTokens} tokens) is not longer than latchkey's cache (${limits}), so the distinct-token numbers include cache hits.`);
  }

  return {
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationSeconds: (finishedAt.getTime() - startedAt.getTime()) / 1000,
    settings: { quick: settings.quick, suites: [...settings.suites], verify: settings.verify, http: settings.http, jwks: settings.jwks },
    machine,
    versions: installedVersions(),
    latchkeyRevision: latchkeyRevision(),
    ...measured,
    memory: measurements.memory,
    cacheBounds,
    targets: evaluateTargets(measured),
    skipped,
  };
}

function writeReport(settings: BenchSettings, results: BenchResults): void {
  const paths = outputPaths(settings);
  const machine = results.machine;
  const subtitle = `${machine.cpuModel}, ${machine.cores} cores, Node.js ${machine.node}; ${results.startedAt}; bars: ratio of medians, thin lines: per-round min–max`;

  writeOutput(paths.json, `${JSON.stringify(results, null, 2)}\n`);
  writeOutput(paths.chart, renderRatioChart(results.groups, subtitle));
  writeOutput(paths.markdown, renderMarkdown(results, paths.chartLink));
}

/** Renders the report again from the saved results of the last full run, without measuring. */
function renderSavedResults(): void {
  const saved = JSON.parse(readFileSync(join(repositoryRoot, publishedPaths.json), 'utf8')) as BenchResults;
  const results = { ...saved, targets: evaluateTargets(saved) };
  const settings: BenchSettings = { ...saved.settings, suites: new Set(['verify', 'http', 'jwks']) };

  writeReport(settings, results);
}

async function main(): Promise<void> {
  if (process.env['BENCH_RENDER_ONLY'] === '1') {
    renderSavedResults();
    return;
  }

  setTimeout(() => {
    console.error(`The benchmark did not finish within ${runTimeLimitMilliseconds / 60_000} minutes and was stopped.`);
    process.exit(1);
  }, runTimeLimitMilliseconds).unref();

  const startedAt = new Date();
  const machine = describeMachine();
  const cacheBounds = latchkeyCacheBounds();
  const settings = withStreamLongerThanCache(readSettings(), cacheBounds);

  log(`${settings.quick ? 'quick' : 'full'} run of ${[...settings.suites].join(', ')} on ${machine.cpuModel}, ${machine.cores} cores, Node.js ${machine.node}`);

  const measurements = await measure(settings);
  const results = buildResults(settings, startedAt, machine, measurements, cacheBounds);

  writeReport(settings, results);

  for (const target of results.targets) {
    log(`${target.met ? 'MET   ' : 'MISSED'} ${target.description}: ${target.verdict}`);
  }

  log(`finished in ${Math.round(results.durationSeconds)} s`);
}

main().catch((error: unknown) => {
  console.error(`The benchmark failed: ${describeError(error)}`);
  process.exit(1);
});
