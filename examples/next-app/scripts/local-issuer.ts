import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTokenFactory, generateTestKey, type LocalIssuer, startIssuer, type TokenFactory } from '@latchkey/test-fixtures';

/** The audience the example app accepts. */
export const AUDIENCE = 'https://api.example.com';

/** Lifetime of development tokens in seconds. */
export const TOKEN_LIFETIME = 900;

/** The local issuer, its token factory and a development token endpoint, all on 127.0.0.1. */
export interface DevelopmentIssuer {
  issuer: LocalIssuer;
  tokens: TokenFactory;
  /** `POST` returns `{ access_token, token_type, expires_in }` for the test user. */
  tokenUrl: string;
  /** Environment variables the example app reads. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/**
 * Starts the test-fixtures issuer with a fresh RS256 key, and a token endpoint that signs a
 * small token for the test user: `sub`, `sid`, `email` and `scope`, well under 1 KB.
 */
export async function startDevelopmentIssuer(): Promise<DevelopmentIssuer> {
  const key = await generateTestKey('RS256');
  const issuer = await startIssuer({ keys: [key] });
  const tokens = createTokenFactory({ issuer: issuer.issuer, audience: AUDIENCE, key });
  const server = await startTokenEndpoint(tokens);
  const tokenUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;

  return {
    issuer,
    tokens,
    tokenUrl,
    env: { LATCHKEY_ISSUER: issuer.issuer, LATCHKEY_AUDIENCE: AUDIENCE, LATCHKEY_JWKS_URI: issuer.jwksUri, LATCHKEY_DEV_TOKEN_URL: tokenUrl },
    async close() {
      server.closeAllConnections();
      await Promise.all([new Promise((resolve) => server.close(resolve)), issuer.close()]);
    },
  };
}

/** Signs the development user's token. */
export function signUserToken(tokens: TokenFactory, scope = 'read:items write:items'): Promise<string> {
  return tokens.sign({ claims: { sub: 'user-123', sid: 'session-1', email: 'user@example.com', scope, jti: undefined }, expiresIn: TOKEN_LIFETIME });
}

function startTokenEndpoint(tokens: TokenFactory): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.method !== 'POST' || request.url !== '/token') {
      response.writeHead(404).end();
      return;
    }
    signUserToken(tokens).then(
      (token) => {
        response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
        response.end(JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: TOKEN_LIFETIME }));
      },
      (error: unknown) => {
        console.error('Signing a development token failed:', error);
        response.writeHead(500).end();
      },
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}
