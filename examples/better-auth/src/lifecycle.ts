/**
 * Starts the whole token lifecycle on 127.0.0.1: the Better Auth app (`next dev`), and the Express
 * and Fastify example APIs pointed at its issuer and JWKS URL. `pnpm lifecycle` in the repository
 * root runs it. Ctrl-C or SIGTERM stops all three.
 *
 * Environment: APP_PORT (default 3000), EXPRESS_PORT (4001), FASTIFY_PORT (4002),
 * ACCESS_TOKEN_LIFETIME in seconds (300), and REDIS_URL to share one Redis revocation store
 * between the APIs instead of giving each an in-memory store.
 */
import { createMemoryRevocationStore, createRedisRevocationStore, type RevocationStore } from '@latchkey/core';
import { createClient } from 'redis';
import { type ApiSettings, type RunningApi, startExpressApi, startFastifyApi } from './apis.js';
import { runNext } from './next-process.js';
import { type AppSettings, DEFAULT_PORTS, jwksUrlOf, readAppSettings } from './settings.js';

/** How long the first connection to Redis may take. */
const REDIS_CONNECT_TIMEOUT_MS = 5000;

interface Stores {
  express: RevocationStore;
  fastify: RevocationStore;
  description: string;
  close(): Promise<void>;
}

const ports = {
  app: readPort('APP_PORT', DEFAULT_PORTS.app),
  express: readPort('EXPRESS_PORT', DEFAULT_PORTS.express),
  fastify: readPort('FASTIFY_PORT', DEFAULT_PORTS.fastify),
};

const appEnv = {
  BETTER_AUTH_URL: `http://127.0.0.1:${ports.app}`,
  EXPRESS_API_URL: `http://127.0.0.1:${ports.express}`,
  FASTIFY_API_URL: `http://127.0.0.1:${ports.fastify}`,
};
const settings = readSettingsOrExit({ ...process.env, ...appEnv });

const stores = await openStores(process.env['REDIS_URL']);
const apiSettings: Omit<ApiSettings, 'store' | 'port'> = {
  issuer: settings.baseURL,
  audience: settings.audience,
  jwksUri: jwksUrlOf(settings.baseURL),
  allowedOrigins: [settings.baseURL],
};
const apis: RunningApi[] = [
  await startOrExit('Express', 'EXPRESS_PORT', ports.express, () => startExpressApi({ ...apiSettings, store: stores.express, port: ports.express })),
  await startOrExit('Fastify', 'FASTIFY_PORT', ports.fastify, () => startFastifyApi({ ...apiSettings, store: stores.fastify, port: ports.fastify })),
];

const next = runNext(['dev', '-H', '127.0.0.1', '-p', String(ports.app)], { ...appEnv, API_AUDIENCE: settings.audience, ACCESS_TOKEN_LIFETIME: String(settings.tokenLifetime) }, { echo: true });

console.log(`Better Auth app: ${settings.baseURL} (issuer), JWKS ${jwksUrlOf(settings.baseURL)}`);
for (const api of apis) console.log(`${api.name} API:     ${api.url} (audience ${settings.audience})`);
console.log(`Revocation: ${stores.description}. Token lifetime: ${settings.tokenLifetime} s.`);
console.log(`Open ${settings.baseURL}/sign-up, then the dashboard. Press Ctrl-C to stop.`);

process.once('SIGINT', (signal) => stop(signal));
process.once('SIGTERM', (signal) => stop(signal));
void next.exited.then((code) => shutDown(`next dev exited with ${String(code)}`, typeof code === 'number' ? code : 1));

function stop(signal: NodeJS.Signals): void {
  console.log(`Received ${signal}, stopping the app and both APIs.`);
  next.stop();
}

async function shutDown(reason: string, exitCode: number): Promise<void> {
  console.log(`${reason}; closing the APIs.`);
  const results = await Promise.allSettled([...apis.map((api) => api.close()), stores.close()]);

  for (const result of results) {
    if (result.status === 'rejected') console.error('Closing an API or the Redis client failed:', result.reason);
  }
  process.exit(exitCode);
}

/** Opens one in-memory store per API, or one Redis store that both share. */
async function openStores(redisUrl: string | undefined): Promise<Stores> {
  if (redisUrl === undefined || redisUrl === '') {
    return {
      express: createMemoryRevocationStore(),
      fastify: createMemoryRevocationStore(),
      description: 'one in-memory store per API (set REDIS_URL to share one Redis store)',
      close: async () => {},
    };
  }

  const redis = createClient({ url: redisUrl });
  logRedisOutages(redis, redisUrl);

  try {
    await withTimeout(redis.connect(), REDIS_CONNECT_TIMEOUT_MS);
  } catch (error) {
    redis.destroy();
    fail(`Failed to connect to Redis at ${redisUrl}: ${messageOf(error)}. Start redis-server there, or unset REDIS_URL to use in-memory stores.`);
  }

  const store = createRedisRevocationStore({ client: redis });
  return { express: store, fastify: store, description: `Redis at ${redisUrl}, shared by both APIs`, close: async () => void (await redis.close()) };
}

function readPort(name: string, fallback: number): number {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;

  const port = Number(value);
  if (!/^\d+$/.test(value) || port < 1 || port > 65535) {
    fail(`Invalid ${name} "${value}": set a port from 1 to 65535, or leave it unset for ${fallback}.`);
  }
  return port;
}

function readSettingsOrExit(env: Record<string, string | undefined>): AppSettings {
  try {
    return readAppSettings(env);
  } catch (error) {
    fail(messageOf(error));
  }
}

async function startOrExit(label: string, variable: string, port: number, start: () => Promise<RunningApi>): Promise<RunningApi> {
  try {
    return await start();
  } catch (error) {
    fail(`Failed to start the ${label} API on 127.0.0.1:${port}: ${messageOf(error)}. Set ${variable} to a free port.`);
  }
}

/** Logs the first error of each Redis outage and its end, instead of every reconnection attempt. */
function logRedisOutages(redis: ReturnType<typeof createClient>, redisUrl: string): void {
  let failing = false;

  redis.on('error', (error: Error) => {
    if (failing) return;
    failing = true;
    console.error(`Redis at ${redisUrl} failed: ${error.message}. Revocation checks return 503 until it is back; retrying.`);
  });
  redis.on('ready', () => {
    if (!failing) return;
    failing = false;
    console.log(`Redis at ${redisUrl} is reachable again.`);
  });
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}
