// Copied verbatim from packages/core/README.md; readme.test.ts checks that it stays identical.

import { createVerifier } from '@latchkey/core';

const verifierWithLogging = createVerifier({
  issuer: 'https://auth.example.com/',
  audience: 'https://api.example.com',
  jwksUri: 'https://auth.example.com/.well-known/jwks.json',
  onEvent: (event) => console.debug('latchkey key source', event),
});
export { verifierWithLogging };
