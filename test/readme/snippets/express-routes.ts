// Snippets below are copied verbatim from packages/express/README.md; readme.test.ts checks that they stay identical.

import express, { type RequestHandler } from 'express';
import { latchkey, latchkeyErrorHandler, requireClaims, requireScopes } from '@latchkey/express';

const app = express();
const router = express.Router();
const reply: RequestHandler = (request, response) => {
  response.json({ sub: request.auth?.claims.sub ?? null });
};
const [listOrders, listReports, showTenant, showVerified] = [reply, reply, reply, reply];

const authenticate = latchkey({
  issuer: 'https://auth.example.com/',
  audience: 'https://api.example.com',
  jwksUri: 'https://auth.example.com/.well-known/jwks.json',
});

router.get('/orders', authenticate, requireScopes(['read:orders']), listOrders);

app.get('/reports', requireScopes(['reports:read', 'admin'], { match: 'any' }), listReports);
app.get('/tenant', requireClaims({ tenant_id: 'acme' }), showTenant);
app.get('/verified', requireClaims((claims) => claims['email_verified'] === true), showVerified);

app.use(
  latchkey({
    issuer: 'https://auth.example.com/',
    audience: 'https://api.example.com',
    jwksUri: 'https://auth.example.com/.well-known/jwks.json',
    onFailure: 'next',
  }),
);
app.use(latchkeyErrorHandler());

export { app, authenticate, router };
