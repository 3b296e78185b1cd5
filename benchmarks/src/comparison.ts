import type { Comparison } from './results.js';
import type { AlternatingRuns } from './rounds.js';
import { roundRatios, summarize } from './stats.js';

/** Identity and context of a measured entry. */
export interface EntryDescription {
  id: string;
  label: string;
  notes: string[];
}

/** Summarizes alternating runs into medians, ranges and both kinds of ratio. */
export function buildComparison(entry: EntryDescription, runs: AlternatingRuns, problems: string[]): Comparison {
  const baseline = summarize(runs.baseline);
  const value = summarize(runs.entry);

  return {
    id: entry.id,
    label: entry.label,
    baseline,
    value,
    ratio: value.median / baseline.median,
    roundRatio: summarize(roundRatios(runs.baseline, runs.entry)),
    notes: entry.notes,
    problems,
  };
}

/** Builds the comparison of an entry that could not be timed: its numbers are NaN and `problems` gives the reason. */
export function failedComparison(entry: EntryDescription, problems: string[]): Comparison {
  return buildComparison(entry, { baseline: [], entry: [] }, problems);
}

/** Formats a rate with thousands separators and no decimals. */
export function formatRate(value: number): string {
  return Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a';
}

/** Formats a ratio with two significant decimals, or more digits for large ratios. */
export function formatRatio(value: number): string {
  if (!Number.isFinite(value)) {
    return 'n/a';
  }

  return value >= 10 ? value.toFixed(1) : value.toFixed(2);
}
