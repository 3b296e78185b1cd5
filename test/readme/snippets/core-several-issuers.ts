// Copied verbatim from packages/core/README.md; readme.test.ts checks that it stays identical.

import { createVerifier } from '@latchkey/core';

const multiIssuer = createVerifier({
  audience: 'https://api.example.com',
  issuers: [
    { issuer: 'https://auth.example.com/', discovery: true },
    { issuer: 'https://login.partner.example/', jwksUri: 'https://login.partner.example/keys', algorithms: ['ES256'] },
  ],
});
export { multiIssuer };
