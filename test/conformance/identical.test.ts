import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConformanceResponse, type ConformanceSetup, conformanceTable, sendConformanceRequest, startConformanceSetup } from '@latchkey/test-fixtures';
import { type AppUrls, startAppPair, startExpressApp, startFastifyApp } from './apps.js';

let setup: ConformanceSetup;
let expressUrls: AppUrls;
let fastifyUrls: AppUrls;
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  setup = await startConformanceSetup();

  const expressPair = await startAppPair(setup, startExpressApp);
  const fastifyPair = await startAppPair(setup, startFastifyApp);
  closers.push(expressPair.close, fastifyPair.close);
  expressUrls = expressPair.urls;
  fastifyUrls = fastifyPair.urls;
});

afterAll(async () => {
  await Promise.all(closers.map((close) => close()));
  await setup.close();
});

function header(response: ConformanceResponse, name: string): string | string[] | undefined {
  return response.headers[name];
}

describe('Express and Fastify responses', () => {
  it.each(conformanceTable.map((row) => [row.name, row] as const))('%s', async (_name, row) => {
    const keySource = row.keySource ?? 'available';
    const fromExpress = await sendConformanceRequest(expressUrls[keySource], row, setup.tokens);
    const fromFastify = await sendConformanceRequest(fastifyUrls[keySource], row, setup.tokens);

    expect(fromExpress.status, 'Express status').toBe(row.expected.status);
    expect(fromFastify.status, 'status').toBe(fromExpress.status);
    expect(fromFastify.body, 'body').toBe(fromExpress.body);
    expect(header(fromFastify, 'content-type'), 'content-type').toBe(header(fromExpress, 'content-type'));
    if (row.expected.status === 200) return;

    expect(header(fromFastify, 'www-authenticate'), 'www-authenticate').toBe(header(fromExpress, 'www-authenticate'));
    expect(header(fromFastify, 'www-authenticate'), 'www-authenticate').toBe(row.expected.wwwAuthenticate ?? undefined);
    expect(header(fromFastify, 'cache-control'), 'cache-control').toBe(header(fromExpress, 'cache-control'));
    expect(header(fromFastify, 'retry-after') !== undefined, 'retry-after present').toBe(header(fromExpress, 'retry-after') !== undefined);
  });
});
