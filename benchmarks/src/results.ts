import type { BenchSettings } from './settings.js';
import type { Summary } from './stats.js';

/** One entry measured against a baseline (a floor or a plain framework) in alternating rounds. */
export interface Comparison {
  id: string;
  label: string;
  baseline: Summary;
  value: Summary;
  /** Median of the entry divided by median of the baseline. */
  ratio: number;
  /** Entry divided by baseline within each round. */
  roundRatio: Summary;
  /** Facts a reader needs to judge the number, such as a configuration forced by the library. */
  notes: string[];
  /** Failures in the run, such as responses with an unexpected status. Empty when the number is sound. */
  problems: string[];
}

export type GroupKind = 'verify' | 'http';

/** Entries measured against one baseline in one scenario. */
export interface ComparisonGroup {
  id: string;
  kind: GroupKind;
  title: string;
  baselineLabel: string;
  unit: string;
  comparisons: Comparison[];
}

/** JWKS requests that reached the issuer during one attack-like pattern. */
export interface FetchCount {
  requests: number;
  fetches: number;
  /** Outcomes by HTTP status code, or by error name for in-process verifiers. */
  outcomes: Record<string, number>;
  milliseconds: number;
}

export interface JwksResult {
  id: string;
  label: string;
  where: 'http' | 'in-process';
  stampede: FetchCount;
  unknownKid: FetchCount;
  notes: string[];
}

/** Resident set size of a process, in bytes, before and after a load. */
export interface MemoryResult {
  label: string;
  rssBefore: number;
  rssAfter: number;
  heapUsedAfter: number;
  load: string;
}

export interface TargetResult {
  id: string;
  description: string;
  /** Measured value, in the unit of `target`. NaN when the measurement is missing. */
  value: number;
  target: number;
  comparison: 'at-least' | 'at-most' | 'equal';
  met: boolean;
  /** How far the value is from the target, in words, or why it could not be judged. */
  verdict: string;
}

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  totalMemoryBytes: number;
  platform: string;
  release: string;
  node: string;
  v8: string;
  openssl: string;
  loadAverageAtStart: number[];
}

export interface BenchResults {
  startedAt: string;
  finishedAt: string;
  durationSeconds: number;
  settings: Omit<BenchSettings, 'suites'> & { suites: string[] };
  machine: MachineInfo;
  versions: Record<string, string>;
  latchkeyRevision: string;
  groups: ComparisonGroup[];
  jwks: JwksResult[];
  memory: MemoryResult[];
  /** Cache settings that latchkey's resolved configuration reports, flattened to dotted paths. */
  cacheBounds: Record<string, unknown>;
  targets: TargetResult[];
  /** Peers or suites that could not be measured, with the reason. */
  skipped: string[];
}
