import type { FastifyInstance } from 'fastify';
import { type ApiOptions, buildApp } from './app.js';

interface ServerConfig {
  api: ApiOptions;
  port: number;
  host: string;
  logLevel: string;
}

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

const config = readConfig(process.env);
const app = await buildAppOrExit(config);

try {
  await app.listen({ port: config.port, host: config.host });
} catch (error) {
  fail(`Failed to listen on ${config.host}:${config.port}: ${messageOf(error)}. Set PORT or HOST to a free address.`);
}

process.once('SIGINT', stop);
process.once('SIGTERM', stop);

/** Reads ISSUER, AUDIENCE and JWKS_URI (required), and PORT, HOST and LOG_LEVEL (optional). Exits on a missing or invalid value. */
function readConfig(env: NodeJS.ProcessEnv): ServerConfig {
  const missing = ['ISSUER', 'AUDIENCE', 'JWKS_URI'].filter((name) => !env[name]);
  if (missing.length > 0) {
    const noun = missing.length === 1 ? 'variable' : 'variables';
    fail(`Missing environment ${noun} ${missing.join(', ')}. Set ISSUER, AUDIENCE and JWKS_URI to your identity provider's values and start again.`);
  }

  return {
    api: { issuer: env['ISSUER'] ?? '', audience: env['AUDIENCE'] ?? '', jwksUri: env['JWKS_URI'] ?? '' },
    port: readPort(env['PORT'] ?? '3000'),
    host: env['HOST'] ?? '127.0.0.1',
    logLevel: readLogLevel(env['LOG_LEVEL'] ?? 'info'),
  };
}

function readPort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) {
    fail(`Invalid PORT "${value}": use a whole number from 0 to 65535, where 0 picks a free port.`);
  }
  return port;
}

function readLogLevel(value: string): string {
  if (!logLevels.includes(value)) {
    fail(`Invalid LOG_LEVEL "${value}": use one of ${logLevels.join(', ')}. Use debug to see why latchkey rejected a request.`);
  }
  return value;
}

/** Builds the app, and exits with latchkey's message when it rejects a value, such as an http JWKS_URI on a public host. */
async function buildAppOrExit({ api, logLevel }: ServerConfig): Promise<FastifyInstance> {
  try {
    return await buildApp(api, { logger: { level: logLevel } });
  } catch (error) {
    fail(`Failed to create the app from ISSUER, AUDIENCE and JWKS_URI. ${messageOf(error)}`);
  }
}

/** Stops accepting connections, lets running requests finish, and lets the process exit. */
function stop(signal: NodeJS.Signals): void {
  app.log.info(`Received ${signal}, closing the server.`);

  app.close().then(
    () => app.log.info('Server closed.'),
    (error: unknown) => {
      app.log.error({ err: error }, 'Failed to close the server.');
      process.exitCode = 1;
    },
  );
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}
