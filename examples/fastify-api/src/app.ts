import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { latchkey } from '@latchkey/fastify';

/** Token issuer, audience and key set URL of the API. Copy these values from your identity provider. */
export interface ApiOptions {
  /** Expected `iss` claim, exactly as the provider writes it. */
  issuer: string;
  /** Expected `aud` claim: the identifier of this API. */
  audience: string;
  /** URL of the provider's JWK Set. */
  jwksUri: string;
}

interface Item {
  id: number;
  name: string;
  createdBy: string | undefined;
}

/**
 * Builds the API. `/public` is open, and every other route needs a valid bearer token.
 * Rejects with latchkey's ConfigurationError when an option is invalid.
 */
export async function buildApp(options: ApiOptions, serverOptions: FastifyServerOptions = {}): Promise<FastifyInstance> {
  const app = Fastify(serverOptions);
  await app.register(latchkey, options);
  const items: Item[] = [];

  app.get('/public', { config: { auth: false } }, async () => {
    return { message: 'This route needs no token.' };
  });

  app.get('/me', async (request) => {
    return { sub: request.auth?.claims.sub, scopes: request.auth?.scopes };
  });

  app.get('/items', { config: { scopes: 'read:items' } }, async () => {
    return { items };
  });

  app.post('/items', { config: { scopes: 'write:items' } }, async (request, reply) => {
    const name = readItemName(request.body);
    if (name === undefined) {
      return reply.code(400).send({ message: 'Invalid item: "name" must be a non-empty string. Send JSON such as {"name":"Notebook"}.' });
    }

    const item: Item = { id: items.length + 1, name, createdBy: request.auth?.claims.sub };
    items.push(item);
    return reply.code(201).send(item);
  });

  return app;
}

/** Returns the trimmed `name` of a parsed JSON body, or undefined when it is missing or blank. */
function readItemName(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || !('name' in body)) return undefined;
  if (typeof body.name !== 'string' || body.name.trim() === '') return undefined;
  return body.name.trim();
}
