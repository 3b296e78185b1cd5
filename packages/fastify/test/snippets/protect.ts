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

app.get('/health', { config: { auth: false } }, async () => ({ ok: true }));

app.get('/me', async (request) => {
  return { sub: request.auth?.claims.sub, scopes: request.auth?.scopes };
});

app.post('/items', { config: { scopes: 'write:items' } }, async (_request, reply) => {
  return reply.code(201).send({ created: true });
});
