import { afterAll, beforeAll, describe, it } from 'vitest';
import { type ConformanceSetup, conformanceTable, sendConformanceRequest, startConformanceSetup } from '@latchkey/test-fixtures';
import { type AppUrls, expectContract, startAppPair, startExpressApp } from './apps.js';

let setup: ConformanceSetup;
let urls: AppUrls;
let closeApps: () => Promise<void>;

beforeAll(async () => {
  setup = await startConformanceSetup();
  ({ urls, close: closeApps } = await startAppPair(setup, startExpressApp));
});

afterAll(async () => {
  await closeApps();
  await setup.close();
});

describe('Express conformance', () => {
  it.each(conformanceTable.map((row) => [row.name, row] as const))('%s', async (_name, row) => {
    expectContract(await sendConformanceRequest(urls[row.keySource ?? 'available'], row, setup.tokens), row);
  });
});
