// Copied verbatim from packages/core/README.md; readme.test.ts checks that it stays identical.

import { createVerifier } from '@latchkey/core';

const discovered = createVerifier({
  issuer: 'https://auth.example.com/',
  audience: 'https://api.example.com',
  discovery: true,
});
export { discovered };
