// Copied verbatim from packages/core/README.md; readme.test.ts checks that it stays identical.

import { createVerifier } from '@latchkey/core';

const tenants = new Map([['acme', 'https://acme.auth.example.com/']]);

const perTenant = createVerifier({
  audience: 'https://api.example.com',
  issuers: ({ issuer }) => {
    const known = [...tenants.values()].includes(issuer);
    return known ? { issuer, discovery: true } : undefined;
  },
});
export { perTenant };
