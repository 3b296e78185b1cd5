// A README snippet of @latchkey/fastify. test/readme.test.ts checks that the README's TypeScript
// blocks appear here verbatim, and sends requests to the app.
import Fastify from 'fastify';
import { latchkey } from '@latchkey/fastify';

export const app = Fastify();

app.get('/health', async () => ({ ok: true }));

app.register(
  async (admin) => {
    await admin.register(latchkey, {
      issuer: 'https://auth.example.com/',
      audience: 'https://api.example.com',
      jwksUri: 'https://auth.example.com/.well-known/jwks.json',
    });
    admin.get('/users', async () => ({ users: [] }));
  },
  { prefix: '/admin' },
);
