import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { environmentWithout, runScript, type ScriptProcess } from './helpers.js';

// The demo runs from the repository root, where tsx applies the `paths` of the root tsconfig.json.
// So `@latchkey/express` loads from TypeScript source, and this test needs no `pnpm build` first.
const repositoryRoot = fileURLToPath(new URL('../../..', import.meta.url));
const waitMs = 20_000;

interface CurlRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/** Reads a printed curl command: `-i`, `-X METHOD`, `-H "Name: value"`, `-d '<body>'` and one URL. */
function parseCurl(line: string): CurlRequest {
  const words = [...line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((match) => match[1] ?? match[2] ?? match[3] ?? '');
  const request: CurlRequest = { method: 'GET', url: '', headers: {}, body: undefined };

  for (let index = 1; index < words.length; index += 1) {
    const word = words[index] ?? '';
    if (word === '-i') continue;
    if (word === '-X') request.method = words[++index] ?? '';
    else if (word === '-H') addHeader(request, words[++index] ?? '');
    else if (word === '-d') request.body = words[++index];
    else if (word.startsWith('http://')) request.url = word;
    else throw new Error(`Unexpected word "${word}" in the printed curl command: ${line}`);
  }
  return request;
}

function addHeader(request: CurlRequest, header: string): void {
  const separator = header.indexOf(': ');
  if (separator <= 0) throw new Error(`Invalid header "${header}" in a printed curl command. Expected "Name: value".`);
  request.headers[header.slice(0, separator)] = header.slice(separator + 2);
}

function send(request: CurlRequest): Promise<Response> {
  return fetch(request.url, { method: request.method, headers: request.headers, body: request.body ?? null });
}

describe.each(['express', 'fastify'])('scripts/demo.ts %s', { timeout: 30_000 }, (framework) => {
  let demo: ScriptProcess;
  let lines: string[];

  beforeAll(async () => {
    const args = framework === 'express' ? [] : [framework];
    demo = runScript('scripts/demo.ts', { cwd: repositoryRoot, env: { ...environmentWithout('PORT'), PORT: '0' }, args });
    await demo.waitForStdout(/^curl -i -X POST .*\n/m, waitMs);
    lines = demo.stdout().split('\n');
  }, waitMs + 5_000);

  afterAll(() => {
    demo?.kill();
  });

  it('names the example it runs', () => {
    expect(lines[0]).toContain(`latchkey demo: ${framework} example API`);
  });

  it('prints one TOKEN line', () => {
    const tokenLines = lines.filter((line) => line.startsWith('TOKEN='));

    expect(tokenLines).toHaveLength(1);
    expect(tokenLines[0]).toMatch(/^TOKEN=[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  it('prints curl commands that return 401, 200 and 403', async () => {
    const token = lines.find((line) => line.startsWith('TOKEN='))?.slice('TOKEN='.length);
    const requests = lines.filter((line) => line.startsWith('curl ')).map(parseCurl);
    expect(requests).toHaveLength(3);

    for (const request of requests) expect(new URL(request.url).host).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(requests[1]?.headers['Authorization']).toBe(`Bearer ${token}`);

    const statuses = [];
    for (const request of requests) statuses.push((await send(request)).status);
    expect(statuses).toEqual([401, 200, 403]);
  });

  it('exits with 0 on SIGINT', async () => {
    demo.child.kill('SIGINT');

    expect(await demo.waitForExit(waitMs)).toBe(0);
    expect(demo.stdout()).toContain('Received SIGINT, stopping the API and the issuer.');
  });
});

describe('scripts/demo.ts arguments', { timeout: 30_000 }, () => {
  it('rejects an unknown example name', async () => {
    const demo = runScript('scripts/demo.ts', { cwd: repositoryRoot, env: { ...environmentWithout('PORT'), PORT: '0' }, args: ['koa'] });

    expect(await demo.waitForExit(waitMs)).toBe(1);
    expect(demo.stderr()).toContain('Unknown example "koa"');
  });
});
