import type { FastifyInstance } from 'fastify';
import { createTokenFactory, generateTestKeys, startIssuer, type LocalIssuer, type TokenFactory } from '@latchkey/test-fixtures';

export const AUDIENCE = 'https://api.example.com';

/** A local issuer, a token factory for it, and the apps a test file started. */
export interface TestContext {
  issuer: LocalIssuer;
  tokens: TokenFactory;
  /** Verifier options that accept the factory's tokens. */
  options(): { issuer: string; audience: string; jwksUri: string };
  /** Starts the app on 127.0.0.1 with a free port and returns its base URL. */
  serve(app: FastifyInstance): Promise<string>;
  /** Closes every app started with `serve`, then the issuer. */
  close(): Promise<void>;
}

/** Starts a local issuer with one RSA key. */
export async function startTestContext(): Promise<TestContext> {
  const keys = await generateTestKeys();
  const issuer = await startIssuer({ keys: [keys.rsa] });
  const tokens = createTokenFactory({ issuer: issuer.issuer, audience: AUDIENCE, key: keys.rsa });
  const apps: FastifyInstance[] = [];

  return {
    issuer,
    tokens,
    options: () => ({ issuer: issuer.issuer, audience: AUDIENCE, jwksUri: issuer.jwksUri }),
    async serve(app) {
      apps.push(app);
      return app.listen({ port: 0, host: '127.0.0.1' });
    },
    async close() {
      await Promise.all(apps.map((app) => app.close()));
      await issuer.close();
    },
  };
}

/** Sends a request with an optional bearer token over real HTTP. */
export function send(url: string, token?: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (token !== undefined) headers.set('authorization', `Bearer ${token}`);
  return fetch(url, { ...init, headers });
}
