import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type BetterAuthOptions, betterAuth } from 'better-auth';
import { getMigrations } from 'better-auth/db/migration';
import { toNodeHandler } from 'better-auth/node';
import Database from 'better-sqlite3';

/** What every Better Auth configuration of these tests is built from. */
export interface BaseAuthSettings {
  baseURL: string;
  secret: string;
  database: Database.Database;
}

/** A real Better Auth server on 127.0.0.1 with an in-memory SQLite database. */
export interface BetterAuthServer {
  /** The Better Auth instance, for calling its server API directly. */
  auth: ReturnType<typeof betterAuth>;
  baseURL: string;
  jwksUri: string;
  /** Requests to `/api/auth/jwks` since start. */
  jwksRequests(): number;
  /** Creates a user and returns its session cookie. */
  signUp(email: string): Promise<string>;
  /** Requests an access token with a session cookie (`GET /api/auth/token`). */
  token(cookie: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * Starts Better Auth with the options that `configure` builds, creates its tables with Better
 * Auth's own migrations, and serves its handler on a free loopback port.
 */
export async function startBetterAuth(configure: (base: BaseAuthSettings) => BetterAuthOptions): Promise<BetterAuthServer> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const database = new Database(':memory:');
  const options = configure({ baseURL, secret: randomBytes(32).toString('base64url'), database });
  await (await getMigrations(options)).runMigrations();

  const auth = betterAuth(options);
  const handle = toNodeHandler(auth);
  let jwksRequests = 0;
  server.on('request', (request, response) => {
    if (request.url?.startsWith('/api/auth/jwks')) jwksRequests += 1;
    void handle(request, response);
  });

  return {
    auth,
    baseURL,
    jwksUri: `${baseURL}/api/auth/jwks`,
    jwksRequests: () => jwksRequests,
    signUp: (email) => signUp(baseURL, email),
    token: (cookie) => requestToken(baseURL, cookie),
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      database.close();
    },
  };
}

async function signUp(baseURL: string, email: string): Promise<string> {
  const response = await fetch(`${baseURL}/api/auth/sign-up/email`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: baseURL },
    body: JSON.stringify({ email, password: 'correct horse battery staple', name: 'Test User' }),
  });
  if (response.status !== 200) throw new Error(`Sign-up of ${email} failed with ${response.status}: ${await response.text()}`);

  return response.headers
    .getSetCookie()
    .map((cookie) => cookie.split(';')[0])
    .join('; ');
}

async function requestToken(baseURL: string, cookie: string): Promise<string> {
  const response = await fetch(`${baseURL}/api/auth/token`, { headers: { cookie } });
  const body = (await response.json()) as { token?: unknown };
  if (response.status !== 200 || typeof body.token !== 'string') throw new Error(`GET /api/auth/token returned ${response.status} without a token string.`);
  return body.token;
}

/** Decodes a JWT's protected header and payload without verifying it. */
export function decodeToken(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [header = '', payload = ''] = token.split('.');
  const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
  return { header: decode(header), payload: decode(payload) };
}
