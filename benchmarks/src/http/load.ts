import autocannon from 'autocannon';

import { benchRoute } from './apps/types.js';

export interface LoadOptions {
  /** Base URL of the server, such as `http://127.0.0.1:41234`. */
  url: string;
  /** Token sent on every request. */
  token?: string;
  /** Returns the token for each request, for loads of distinct tokens. Wins over `token`. */
  nextToken?: () => string;
  durationSeconds: number;
  connections: number;
  /** Maximum requests in the run. The run also ends at `durationSeconds`. */
  maxRequests: number;
}

export interface LoadResult {
  requestsPerSecond: number;
  requests: number;
  /** Length of the run as autocannon measured it. */
  seconds: number;
  /** Responses by status code. */
  statuses: Record<string, number>;
  errors: number;
  timeouts: number;
  latencyMedianMilliseconds: number;
  latencyP99Milliseconds: number;
}

/** Extra time past the run's duration before the run is stopped from outside, in milliseconds. */
const stopGraceMilliseconds = 15_000;

function requestOptions(options: LoadOptions): Pick<autocannon.Options, 'headers' | 'requests'> {
  const nextToken = options.nextToken;

  if (nextToken !== undefined) {
    const setupRequest = (request: autocannon.Request) => ({
      ...request,
      headers: { ...request.headers, authorization: `Bearer ${nextToken()}` },
    });

    return { requests: [{ method: 'GET', setupRequest }] };
  }

  return { headers: options.token === undefined ? {} : { authorization: `Bearer ${options.token}` } };
}

/** Runs autocannon against the benchmark route, bounded by duration and by request count. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  let stopGuard: NodeJS.Timeout | undefined;

  try {
    const result = await new Promise<autocannon.Result>((resolve, reject) => {
      const instance = autocannon(
        {
          url: `${options.url}${benchRoute}`,
          connections: options.connections,
          duration: options.durationSeconds,
          maxOverallRequests: Math.max(options.maxRequests, options.connections),
          timeout: 10,
          ...requestOptions(options),
        },
        (error, finished) => {
          if (error) {
            reject(error instanceof Error ? error : new Error(String(error)));
            return;
          }

          resolve(finished);
        },
      );

      stopGuard = setTimeout(() => instance.stop(), options.durationSeconds * 1000 + stopGraceMilliseconds);
    });

    return summarizeLoad(result);
  } finally {
    clearTimeout(stopGuard);
  }
}

function summarizeLoad(result: autocannon.Result): LoadResult {
  const statuses: Record<string, number> = {};

  for (const [code, stats] of Object.entries(result.statusCodeStats ?? {})) {
    statuses[code] = stats.count ?? 0;
  }

  return {
    requestsPerSecond: result.requests.total / Math.max(result.duration, 0.001),
    requests: result.requests.total,
    seconds: result.duration,
    statuses,
    errors: result.errors,
    timeouts: result.timeouts,
    latencyMedianMilliseconds: result.latency.p50,
    latencyP99Milliseconds: result.latency.p99,
  };
}

/** Describes responses that are not the expected status, or an empty string when all are. */
export function unexpectedResponses(result: LoadResult, expectedStatus: number): string {
  const unexpected = Object.entries(result.statuses).filter(([code]) => Number(code) !== expectedStatus);
  const parts = unexpected.map(([code, count]) => `${count} × ${code}`);

  if (result.errors > 0) {
    parts.push(`${result.errors} connection errors`);
  }

  if (result.timeouts > 0) {
    parts.push(`${result.timeouts} timeouts`);
  }

  return parts.length === 0 ? '' : `${parts.join(', ')} (expected only ${expectedStatus})`;
}
