// Copied verbatim from packages/core/README.md; readme.test.ts checks that it stays identical.

import { createVerifier } from '@latchkey/core';

const preloaded = createVerifier({
  issuer: 'https://auth.example.com/',
  audience: 'https://api.example.com',
  discovery: true,
});

export async function reportKeySources(): Promise<void> {
  const report = await preloaded.preload();
  for (const { issuer, problems } of report.issuers) {
    for (const problem of problems) console.warn(`latchkey: ${issuer}: ${problem.code}: ${problem.message}`);
  }
}
