import express from 'express';
import { latchkey, requireScopes } from '@latchkey/express';

/** Token settings of the API, copied from your identity provider. */
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

/** Creates the API. `/public` is open, and every other route needs a valid bearer token. */
export function createApp(options: ApiOptions): express.Express {
  const app = express();
  const authenticate = latchkey(options);
  const items: Item[] = [];

  app.get('/public', (_request, response) => {
    response.json({ message: 'This route needs no token.' });
  });

  app.get('/me', authenticate, (request, response) => {
    response.json({ sub: request.auth?.claims.sub, scopes: request.auth?.scopes });
  });

  app.get('/items', authenticate, requireScopes('read:items'), (_request, response) => {
    response.json({ items });
  });

  app.post('/items', authenticate, requireScopes('write:items'), express.json(), (request, response) => {
    const name = readItemName(request.body);
    if (name === undefined) {
      response.status(400).json({ message: 'Invalid item: "name" must be a non-empty string. Send JSON such as {"name":"Notebook"}.' });
      return;
    }

    const item: Item = { id: items.length + 1, name, createdBy: request.auth?.claims.sub };
    items.push(item);
    response.status(201).json(item);
  });

  return app;
}

/** Returns the trimmed `name` of a parsed JSON body, or undefined when it is missing or blank. */
function readItemName(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || !('name' in body)) return undefined;
  if (typeof body.name !== 'string' || body.name.trim() === '') return undefined;
  return body.name.trim();
}
