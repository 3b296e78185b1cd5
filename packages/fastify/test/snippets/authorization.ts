// A README snippet of @latchkey/fastify. test/readme.test.ts checks that the README's TypeScript
// blocks appear here verbatim, and sends requests to the app.
import Fastify from 'fastify';
import { latchkey, requireClaims, requireScopes } from '@latchkey/fastify';

declare module '@latchkey/core' {
  interface LatchkeyClaims {
    tenant_id: string;
  }
}

export const app = Fastify();

await app.register(latchkey, {
  issuer: 'https://auth.example.com/',
  audience: 'https://api.example.com',
  jwksUri: 'https://auth.example.com/.well-known/jwks.json',
});

app.delete('/items/:id', { preHandler: requireScopes('delete:items') }, async (_request, reply) => reply.code(204).send());
app.get('/tenant', { preHandler: requireClaims({ tenant_id: 'acme' }) }, async () => ({ tenant: 'acme' }));
app.get('/verified', { preHandler: requireClaims((claims) => claims['email_verified'] === true) }, async () => ({ verified: true }));
