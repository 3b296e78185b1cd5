// Copied verbatim from packages/express/README.md; readme.test.ts checks that it stays identical.
// It is type-checked only: importing it would fetch keys from the placeholder issuer.

import express from 'express';
import { createVerifier } from '@latchkey/core';
import { latchkey } from '@latchkey/express';

const verifier = createVerifier({
  issuer: 'https://auth.example.com/',
  audience: 'https://api.example.com',
  discovery: true,
});

const api = express();
api.use(latchkey({ verifier }));

void verifier.preload().then((report) => {
  if (!report.ok) console.warn('latchkey preload problems', JSON.stringify(report.issuers));
});

export { api, verifier };
