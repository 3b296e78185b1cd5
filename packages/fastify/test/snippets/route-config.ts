// A README snippet of @latchkey/fastify. test/readme.test.ts checks that the README's TypeScript
// blocks appear here verbatim, and sends requests to the app.
import Fastify from 'fastify';
import { latchkey } from '@latchkey/fastify';

export const app = Fastify();

await app.register(latchkey, {
  issuer: 'https://auth.example.com/',
  audience: 'https://api.example.com',
  jwksUri: 'https://auth.example.com/.well-known/jwks.json',
});

app.get('/catalog', { config: { auth: false } }, async () => ({ items: [] }));
app.get('/feed', { config: { auth: 'optional' } }, async (request) => ({ personal: request.auth !== null }));
app.get('/reports', { config: { scopes: ['reports:read', 'admin'], scopeMatch: 'any' } }, async () => ({ reports: [] }));
