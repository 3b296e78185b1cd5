import { Agent, request } from 'node:http';

import { benchRoute } from '../http/apps/types.js';

/** Outcome counts by key: an HTTP status code, `ok`, or an error name. */
export type Outcomes = Record<string, number>;

export function countOutcome(outcomes: Outcomes, key: string): void {
  outcomes[key] = (outcomes[key] ?? 0) + 1;
}

/** Sends one GET of the benchmark route with the token, on a new connection, and resolves to the status code or an error name. */
function sendOne(url: string, token: string, agent: Agent, timeoutMilliseconds: number): Promise<string> {
  return new Promise((resolve) => {
    const outgoing = request(`${url}${benchRoute}`, { agent, headers: { authorization: `Bearer ${token}` }, timeout: timeoutMilliseconds }, (response) => {
      response.resume();
      response.on('end', () => resolve(String(response.statusCode)));
    });

    outgoing.on('timeout', () => outgoing.destroy(new Error('timed out')));
    outgoing.on('error', (error) => resolve(`error: ${error.message}`));
    outgoing.end();
  });
}

/** Runs the tasks with at most `concurrency` in flight and counts their outcomes. */
export async function runConcurrently(tasks: Array<() => Promise<string>>, concurrency: number): Promise<Outcomes> {
  const outcomes: Outcomes = {};
  let next = 0;

  const worker = async () => {
    while (next < tasks.length) {
      const task = tasks[next]!;
      next += 1;
      countOutcome(outcomes, await task());
    }
  };

  await Promise.all(Array.from({ length: Math.min(concurrency, tasks.length) }, worker));

  return outcomes;
}

/** Sends one request per token, `concurrency` at a time, each on its own connection. */
export async function sendRequests(url: string, tokens: readonly string[], concurrency: number, timeoutMilliseconds: number): Promise<Outcomes> {
  const agent = new Agent({ keepAlive: false, maxSockets: Infinity });

  try {
    return await runConcurrently(tokens.map((token) => () => sendOne(url, token, agent, timeoutMilliseconds)), concurrency);
  } finally {
    agent.destroy();
  }
}
