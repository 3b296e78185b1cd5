/**
 * Settings shared by the Next.js app and the command that starts it with the two APIs. This file
 * imports nothing relative, so Next.js and Node.js both load it as it is.
 */

/** Audience of the access tokens, which both example APIs expect. A URN, so it names no host. */
export const DEFAULT_AUDIENCE = 'urn:latchkey:example-api';

/** Default ports on 127.0.0.1 of the app and the two APIs. */
export const DEFAULT_PORTS = { app: 3000, express: 4001, fastify: 4002 } as const;

/** Default access-token lifetime in seconds. Better Auth's own default is 15 minutes. */
export const DEFAULT_TOKEN_LIFETIME = 300;

/** Shortest accepted token lifetime in seconds: shorter tokens leave no time to refresh ahead. */
const MIN_TOKEN_LIFETIME = 5;

/** The settings of the Next.js app, read from its environment. */
export interface AppSettings {
  /** `BETTER_AUTH_URL`: origin of the app and the `iss` of its tokens. */
  baseURL: string;
  /** `API_AUDIENCE`: `aud` of the tokens. */
  audience: string;
  /** `ACCESS_TOKEN_LIFETIME`: token lifetime in seconds. */
  tokenLifetime: number;
  /** `BETTER_AUTH_DATA_DIR`: folder of the SQLite database and the development secret. */
  dataDir: string;
  /** `EXPRESS_API_URL` and `FASTIFY_API_URL`: the APIs that the dashboard calls. */
  apis: { express: string; fastify: string };
}

type Environment = Record<string, string | undefined>;

/** Reads the app settings, with defaults for a local run. Throws an Error that names the variable at fault. */
export function readAppSettings(env: Environment): AppSettings {
  return {
    baseURL: readOrigin(env, 'BETTER_AUTH_URL', `http://127.0.0.1:${DEFAULT_PORTS.app}`),
    audience: env['API_AUDIENCE'] || DEFAULT_AUDIENCE,
    tokenLifetime: readTokenLifetime(env['ACCESS_TOKEN_LIFETIME']),
    dataDir: env['BETTER_AUTH_DATA_DIR'] || 'data',
    apis: {
      express: readOrigin(env, 'EXPRESS_API_URL', `http://127.0.0.1:${DEFAULT_PORTS.express}`),
      fastify: readOrigin(env, 'FASTIFY_API_URL', `http://127.0.0.1:${DEFAULT_PORTS.fastify}`),
    },
  };
}

/** Returns the JWKS URL that Better Auth's `jwt` plugin serves for an app at `baseURL`. */
export function jwksUrlOf(baseURL: string): string {
  return `${baseURL}/api/auth/jwks`;
}

function readTokenLifetime(value: string | undefined): number {
  if (value === undefined || value === '') return DEFAULT_TOKEN_LIFETIME;

  const seconds = Number(value);
  if (!/^\d+$/.test(value) || seconds < MIN_TOKEN_LIFETIME) {
    throw new Error(`Invalid ACCESS_TOKEN_LIFETIME "${value}": set a whole number of seconds, at least ${MIN_TOKEN_LIFETIME}, or leave it unset for ${DEFAULT_TOKEN_LIFETIME}.`);
  }
  return seconds;
}

function readOrigin(env: Environment, name: string, fallback: string): string {
  const value = env[name] || fallback;

  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`Invalid ${name} "${value}": set an origin such as ${fallback}.`);
  }

  if (url.origin !== value.replace(/\/+$/, '')) {
    throw new Error(`Invalid ${name} "${value}": set an origin without a path, such as ${fallback}.`);
  }
  return url.origin;
}
