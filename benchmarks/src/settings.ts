/** Sizes and time limits of one benchmark run. Every loop in the suites is bounded by these. */
export interface BenchSettings {
  quick: boolean;
  suites: ReadonlySet<SuiteName>;
  verify: VerifySettings;
  http: HttpSettings;
  jwks: JwksSettings;
}

export type SuiteName = 'verify' | 'http' | 'jwks';

export interface VerifySettings {
  /** A/B rounds per entry. */
  rounds: number;
  /** Alternating slices of the floor and the entry in one round. */
  slicesPerRound: number;
  /** Time limit of one slice, in milliseconds. */
  sliceMilliseconds: number;
  /** Maximum verifications in one slice. */
  maxOperationsPerSlice: number;
  /** Pre-signed distinct tokens per algorithm, more than any verified-token cache holds. */
  distinctTokens: number;
  /** Untimed verifications before the rounds, so that JIT compilation and key import are done. */
  warmupOperations: number;
}

export interface HttpSettings {
  rounds: number;
  /** Alternating autocannon runs of the plain server and the entry in one round. */
  slicesPerRound: number;
  /** Length of one autocannon run, in seconds. */
  durationSeconds: number;
  /** Maximum requests in one autocannon run. */
  maxRequestsPerRun: number;
  connections: number;
  /** Length of the untimed load on each server before its rounds, in seconds. */
  warmupSeconds: number;
  /** Time limit for a server process to start listening, in milliseconds. */
  startTimeoutMilliseconds: number;
}

export interface JwksSettings {
  /** Concurrent first requests sent to a server that has not fetched its key set yet. */
  stampedeRequests: number;
  /** Tokens with distinct unknown `kid` values sent right after the stampede, inside every cooldown. */
  unknownKidTokens: number;
  /** Requests in flight at once during the unknown-kid burst. */
  burstConcurrency: number;
  /** Time limit of one request, in milliseconds. */
  requestTimeoutMilliseconds: number;
}

const fullSettings: Omit<BenchSettings, 'quick' | 'suites'> = {
  verify: { rounds: 5, slicesPerRound: 8, sliceMilliseconds: 50, maxOperationsPerSlice: 1_000_000, distinctTokens: 20_000, warmupOperations: 2_000 },
  http: { rounds: 3, slicesPerRound: 3, durationSeconds: 1, maxRequestsPerRun: 100_000, connections: 10, warmupSeconds: 1, startTimeoutMilliseconds: 30_000 },
  jwks: { stampedeRequests: 100, unknownKidTokens: 200, burstConcurrency: 20, requestTimeoutMilliseconds: 10_000 },
};

const quickSettings: Omit<BenchSettings, 'quick' | 'suites'> = {
  verify: { rounds: 2, slicesPerRound: 4, sliceMilliseconds: 30, maxOperationsPerSlice: 1_000_000, distinctTokens: 3_000, warmupOperations: 300 },
  http: { rounds: 1, slicesPerRound: 1, durationSeconds: 1, maxRequestsPerRun: 100_000, connections: 10, warmupSeconds: 0.5, startTimeoutMilliseconds: 30_000 },
  jwks: { stampedeRequests: 50, unknownKidTokens: 40, burstConcurrency: 20, requestTimeoutMilliseconds: 10_000 },
};

const suiteNames: readonly SuiteName[] = ['verify', 'http', 'jwks'];

/**
 * Reads the settings from the environment. `BENCH_QUICK=1` selects a smoke run of about a minute,
 * and `BENCH_SUITES=verify,http,jwks` picks the suites (default: all three).
 */
export function readSettings(environment: NodeJS.ProcessEnv = process.env): BenchSettings {
  const quick = environment['BENCH_QUICK'] === '1';
  const suites = readSuites(environment['BENCH_SUITES']);

  return { quick, suites, ...(quick ? quickSettings : fullSettings) };
}

function readSuites(value: string | undefined): ReadonlySet<SuiteName> {
  if (value === undefined || value.trim() === '') {
    return new Set(suiteNames);
  }

  const names = value.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !suiteNames.includes(name as SuiteName));

  if (unknown.length > 0) {
    throw new Error(`Invalid suite name "${unknown.join('", "')}" in BENCH_SUITES. Use a comma-separated list of: ${suiteNames.join(', ')}.`);
  }

  return new Set(names as SuiteName[]);
}
