import { formatRatio } from '../comparison.js';
import type { BenchResults, Comparison, TargetResult } from '../results.js';

type Measured = Pick<BenchResults, 'groups' | 'jwks'>;

/** Entries that are references, not competitors: the floors and the frameworks without authentication. */
const referenceIds = new Set(['floor-threadpool', 'floor-sync', 'express-plain', 'fastify-plain']);

const latchkeyIds = new Set(['latchkey', 'express-latchkey', 'fastify-latchkey', 'core-latchkey']);

function findComparison(results: Measured, groupId: string, entryId: string): Comparison | undefined {
  return results.groups.find((group) => group.id === groupId)?.comparisons.find((comparison) => comparison.id === entryId);
}

/** Judges a ratio of medians against a minimum. A comparison with problems is not judged. */
function ratioTarget(results: Measured, id: string, description: string, groupId: string, entryId: string, minimum: number): TargetResult {
  const comparison = findComparison(results, groupId, entryId);

  if (comparison === undefined) {
    return unjudged(id, description, minimum, 'at-least', 'not measured in this run');
  }

  if (comparison.problems.length > 0) {
    return unjudged(id, description, minimum, 'at-least', `not judged: ${comparison.problems.join('; ')}`);
  }

  return atLeast(id, description, comparison.ratio, minimum);
}

/** Formats the value with three decimals when two would show it equal to the target. */
function formatAgainst(value: number, target: number): string {
  return formatRatio(value) === formatRatio(target) && value !== target ? value.toFixed(3) : formatRatio(value);
}

function atLeast(id: string, description: string, value: number, minimum: number): TargetResult {
  const met = value >= minimum;
  const shown = formatAgainst(value, minimum);
  const verdict = met
    ? `met: ${shown} ≥ ${formatRatio(minimum)}`
    : `missed by ${formatAgainst(minimum - value, 0)}: ${shown} is ${Math.round((value / minimum) * 100)} % of ${formatRatio(minimum)}`;

  return { id, description, value, target: minimum, comparison: 'at-least', met: Number.isFinite(value) && met, verdict };
}

function unjudged(id: string, description: string, target: number, comparison: TargetResult['comparison'], verdict: string): TargetResult {
  return { id, description, value: Number.NaN, target, comparison, met: false, verdict };
}

/**
 * Judges whether latchkey beats the best peer in a group. Each entry's ratio to the baseline run
 * next to it is compared, which cancels most drift of the shared machine between entries. The
 * value is latchkey's ratio divided by the best peer's, so above 1 means latchkey leads.
 */
function leadTarget(results: Measured, groupId: string, title: string): TargetResult {
  const group = results.groups.find((candidate) => candidate.id === groupId);
  const id = `lead-${groupId}`;
  const description = `latchkey leads every peer: ${title}`;
  const latchkey = group?.comparisons.find((comparison) => latchkeyIds.has(comparison.id));
  const peers = group?.comparisons.filter((comparison) => !referenceIds.has(comparison.id) && !latchkeyIds.has(comparison.id) && comparison.problems.length === 0) ?? [];

  if (latchkey === undefined || latchkey.problems.length > 0 || peers.length === 0) {
    return unjudged(id, description, 1, 'at-least', 'not judged: latchkey or every peer is missing or has problems');
  }

  const best = peers.reduce((leader, peer) => (peer.ratio > leader.ratio ? peer : leader));
  const result = atLeast(id, description, latchkey.ratio / best.ratio, 1);

  return { ...result, verdict: `${result.verdict} (best peer: ${best.label}, ratio ${formatRatio(best.ratio)})` };
}

function stampedeTarget(results: Measured, entryId: string): TargetResult {
  const entry = results.jwks.find((candidate) => candidate.id === entryId);
  const id = `stampede-${entryId}`;
  const description = `cold stampede: JWKS fetches, ${entry?.label ?? entryId}`;

  if (entry === undefined || !Number.isFinite(entry.stampede.fetches)) {
    return unjudged(id, description, 1, 'equal', 'not measured in this run');
  }

  const fetches = entry.stampede.fetches;
  const met = fetches === 1;
  const verdict = met ? `met: 1 fetch for ${entry.stampede.requests} requests` : `missed: ${fetches} fetches for ${entry.stampede.requests} requests, target 1`;

  return { id, description, value: fetches, target: 1, comparison: 'equal', met, verdict };
}

/** Evaluates every target of the performance issue against one run's results. */
export function evaluateTargets(results: Measured): TargetResult[] {
  const targets: TargetResult[] = [];

  for (const alg of ['RS256', 'ES256', 'EdDSA']) {
    targets.push(ratioTarget(results, `distinct-${alg}`, `${alg} distinct tokens: latchkey / synchronous floor`, `verify-${alg}-distinct`, 'latchkey', 0.95));
  }

  for (const alg of ['RS256', 'ES256', 'EdDSA']) {
    targets.push(ratioTarget(results, `same-${alg}`, `${alg} repeated token: latchkey / synchronous floor`, `verify-${alg}-same`, 'latchkey', 20));
  }

  targets.push(ratioTarget(results, 'http-express-valid', 'Express, valid token: latchkey / plain Express', 'http-express-valid', 'express-latchkey', 0.85));
  targets.push(ratioTarget(results, 'http-express-rejected', 'Express, rejected token: latchkey / plain Express', 'http-express-rejected', 'express-latchkey', 0.85));
  targets.push(ratioTarget(results, 'http-fastify-valid', 'Fastify, valid token: latchkey / plain Fastify', 'http-fastify-valid', 'fastify-latchkey', 0.6));
  targets.push(ratioTarget(results, 'http-fastify-rejected', 'Fastify, rejected token: latchkey / plain Fastify', 'http-fastify-rejected', 'fastify-latchkey', 0.6));

  for (const entryId of ['express-latchkey', 'fastify-latchkey', 'core-latchkey']) {
    targets.push(stampedeTarget(results, entryId));
  }

  for (const group of results.groups) {
    targets.push(leadTarget(results, group.id, group.title));
  }

  return targets;
}
