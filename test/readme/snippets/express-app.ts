// Snippets below are copied verbatim from packages/express/README.md; readme.test.ts checks that they stay identical.

import express from 'express';
import { latchkey, requireScopes } from '@latchkey/express';

const app = express();

app.get('/health', (_request, response) => {
  response.json({ ok: true });
});

app.use(
  latchkey({
    issuer: 'https://auth.example.com/',
    audience: 'https://api.example.com',
    jwksUri: 'https://auth.example.com/.well-known/jwks.json',
  }),
);

app.get('/me', (request, response) => {
  response.json({ sub: request.auth?.claims.sub, scopes: request.auth?.scopes });
});

app.post('/items', requireScopes('write:items'), (_request, response) => {
  response.status(201).json({ created: true });
});

export { app };
