import type { BenchResults } from '../results.js';

/** Describes how the numbers were taken, with the sizes of this run. */
export function methodSection(results: BenchResults): string {
  const { verify, http, jwks } = results.settings;

  return `## Method

**Floors.** The synchronous floor splits the token, decodes header and payload with
\`Buffer.from(…, 'base64url')\` and \`JSON.parse\`, and calls \`crypto.verify\` once with a
\`KeyObject\` imported before timing. The threadpool floor does the same with the callback form
of \`crypto.verify\`, which runs on the libuv threadpool. A library that checks every
signature cannot do less work per token, so a ratio near 1 means it adds almost nothing. Only a
verified-token cache can go above 1.

**In-process verification.** Every entry verifies one token at a time and awaits it, for
RS256 (RSA 2048), ES256 (P-256) and EdDSA (Ed25519). "Distinct tokens" cycles through
${verify.distinctTokens.toLocaleString('en-US')} tokens signed before timing, each with its own \`jti\`, so a
verified-token cache smaller than that never hits. "One token repeated" verifies the same token
every time, which is where a verified-token cache pays off. latchkey's verifier fetches its key
set from a local issuer on 127.0.0.1 and is warmed with ${verify.warmupOperations.toLocaleString('en-US')} untimed
verifications, like every other entry. A timed slice stops after ${verify.sliceMilliseconds} ms or
${verify.maxOperationsPerSlice.toLocaleString('en-US')} verifications, whichever comes first.

**HTTP.** Each server runs in its own Node.js process on 127.0.0.1 with \`NODE_ENV=production\`,
and autocannon runs in the benchmark process, so the two do not share an event loop on the two
cores. Every server responds to \`GET /items\` with the same small JSON body. One autocannon run
lasts ${http.durationSeconds} s or ${http.maxRequestsPerRun.toLocaleString('en-US')} requests with ${http.connections} connections,
after ${http.warmupSeconds} s of untimed load on each server. The valid scenario sends one RS256 token on every
request and expects 200. The rejected scenario sends the same token with one character of its
signature changed and expects 401. Any other status, connection error or timeout is listed as
a problem, and a target with problems is not judged.

**Rounds and ratios.** Each entry runs against its baseline (the synchronous floor, or the same
framework without authentication) in ${verify.rounds} rounds in process and ${http.rounds} rounds over HTTP.
A round alternates slices of the baseline and the entry: ${verify.slicesPerRound} slices each in process,
${http.slicesPerRound} autocannon runs each over HTTP. Every slice swaps which of the two goes first, so
load from other processes on the shared machine falls on both sides alike. A round's rate is its
operations divided by its time. The tables give the median, the min–max, the ratio of the
medians, and the median of the per-round ratios. The floor and plain-framework targets use the
ratio of the medians. "Leads every peer" divides latchkey's ratio by the best peer's ratio,
since each ratio comes from runs taken minutes apart from the others.

**JWKS fetches.** A fresh server per entry, and a fresh verifier for the in-process rows,
receives ${jwks.stampedeRequests} concurrent first requests, and the local issuer counts the key-set GETs.
Then ${jwks.unknownKidTokens} tokens with distinct unknown key ids follow, ${jwks.burstConcurrency} at a time.

**Fairness.** Every entry checks issuer, audience, expiry and signature, and accepts RS256 only
in the HTTP suite and the algorithm under test in process, unless its notes say it cannot be
restricted. Peers get the JWKS client and caching that their READMEs show. latchkey runs from
its TypeScript source through tsx, as \`pnpm test\` does, so the report measures the working tree.

**Noise.** The machine is shared. The min–max columns show how far single rounds strayed;
read a ratio whose per-round range crosses a target as not settled.`;
}

export function runningSection(): string {
  return `## Running

\`\`\`sh
pnpm install
pnpm bench                      # full run, about 8 minutes on 2 cores; writes this page, the chart and benchmarks/results/latest.json
BENCH_QUICK=1 pnpm bench        # smoke run, about 90 seconds; writes benchmarks/results/smoke.* only
BENCH_SUITES=verify pnpm bench  # some of verify, http, jwks; also writes only benchmarks/results/smoke.*
BENCH_CPU_PROFILE_DIR=/tmp/prof pnpm bench  # also writes a CPU profile of every server process there
BENCH_RENDER_ONLY=1 pnpm bench  # renders this page and the chart again from latest.json, without measuring
\`\`\`

\`pnpm bench\` is not part of \`pnpm test\`. It needs no build, no network beyond 127.0.0.1, and
stops by itself: every loop has a time limit and a request limit, and every server process
exits when the benchmark ends.`;
}
