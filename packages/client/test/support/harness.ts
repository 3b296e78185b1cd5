import { betterAuthSignOut, betterAuthTokenProvider, createClient, type ClientOptions, type LatchkeyClient } from '@latchkey/client';
import { createTokenFactory, generateTestKey, startIssuer, type LocalIssuer, type TokenFactory } from '@latchkey/test-fixtures';
import { CookieJar } from './cookie-jar.js';
import { ExpressApi } from './express-api.js';
import { ManualClock } from './manual-clock.js';
import { ScriptedApi } from './scripted-api.js';
import { sessionCookie, TokenEndpoint } from './token-endpoint.js';

export const audience = 'https://api.example.com';

/**
 * The client's clock runs a week behind the servers' clocks, so every test also shows that the
 * client times tokens without comparing its clock to `exp`.
 */
export const clientClockSkewMs = -7 * 24 * 3600 * 1000;

export interface HarnessOptions {
  /** Audience the API accepts. Default: the audience of the issued tokens. */
  apiAudience?: string;
  /** Token lifetime in seconds. Default 900. */
  lifetime?: number;
  /** `scope` of issued tokens. Default `read:items write:items`. */
  scope?: string;
  /** Whether the session credential rotates on every token request. */
  rotation?: boolean;
}

/** Servers on 127.0.0.1 and a manual clock for one test. */
export interface Harness<Api> {
  readonly issuer: LocalIssuer;
  readonly tokens: TokenFactory;
  readonly endpoint: TokenEndpoint;
  readonly api: Api;
  /** URL of the items collection, which needs `read:items` for GET and `write:items` for POST. */
  readonly itemsUrl: string;
  readonly clock: ManualClock;
  /** The browser's cookie store, shared by every client of the harness. */
  readonly jar: CookieJar;
  /** `token` and `api` in the order the servers received requests. */
  readonly events: string[];
  /** Creates a session at the token endpoint and stores its cookie, as a Better Auth sign-in does. */
  startSession(): void;
  /** Creates a client with Better Auth's token provider and sign-out. */
  client(options?: Partial<ClientOptions>): LatchkeyClient;
  /** Signs a token for this issuer and audience, for `signIn(token)` or a scripted token response. */
  sign(claims?: Record<string, unknown>): Promise<string>;
  /**
   * Signs a token that expired 100 s ago by the servers' clocks. Its `exp - iat` is still the
   * full lifetime, so the client takes it for fresh until the API rejects it.
   */
  signExpired(): Promise<string>;
  close(): Promise<void>;
}

export function startHarness(api: 'express', options?: HarnessOptions): Promise<Harness<ExpressApi>>;
export function startHarness(api: 'scripted', options?: HarnessOptions): Promise<Harness<ScriptedApi>>;

/** Starts an issuer, a Better Auth shaped token endpoint and an API, all on 127.0.0.1. */
export async function startHarness(kind: 'express' | 'scripted', options: HarnessOptions = {}): Promise<Harness<ExpressApi | ScriptedApi>> {
  const key = await generateTestKey('ES256');
  const issuer = await startIssuer({ keys: [key] });
  const tokens = createTokenFactory({ issuer: issuer.issuer, audience, key });
  const events: string[] = [];

  const endpoint = await new TokenEndpoint({ tokens, events, ...pick(options, 'lifetime', 'scope', 'rotation') }).start();
  const apiOptions = { issuer: issuer.issuer, audience: options.apiAudience ?? audience, jwksUri: issuer.jwksUri };
  const api = kind === 'express' ? await new ExpressApi(apiOptions, events).start() : await new ScriptedApi({ ...apiOptions, events }).start();

  const clock = new ManualClock(Date.now() + clientClockSkewMs);
  const lifetime = options.lifetime ?? 900;

  const sign = (claims: Record<string, unknown> = {}): Promise<string> => {
    const now = Math.floor(Date.now() / 1000);
    return tokens.sign({ claims: { iat: now, exp: now + lifetime, scope: options.scope ?? 'read:items write:items', ...claims } });
  };
  const jar = new CookieJar();
  const clients: LatchkeyClient[] = [];

  return {
    issuer,
    tokens,
    endpoint,
    api,
    itemsUrl: kind === 'express' ? `${api.url}/items` : `${api.url}/api/items`,
    clock,
    jar,
    events,
    startSession: () => jar.set(sessionCookie, endpoint.startSession()),
    client: (overrides = {}) => {
      const client = createClient({
        tokenProvider: betterAuthTokenProvider({ baseURL: endpoint.url, fetch: jar.fetch }),
        signOut: betterAuthSignOut({ baseURL: endpoint.url, fetch: jar.fetch }),
        clock,
        lock: null,
        channel: null,
        ...overrides,
      });
      clients.push(client);
      return client;
    },
    sign,
    signExpired: () => {
      const now = Math.floor(Date.now() / 1000);
      return sign({ iat: now - 100 - lifetime, exp: now - 100 });
    },
    close: async () => {
      for (const client of clients) client.dispose();
      await Promise.all([api.close(), endpoint.close(), issuer.close()]);
    },
  };
}

function pick<T extends object, K extends keyof T>(source: T, ...keys: K[]): Pick<T, K> {
  const picked = {} as Pick<T, K>;
  for (const key of keys) {
    if (source[key] !== undefined) picked[key] = source[key];
  }
  return picked;
}
