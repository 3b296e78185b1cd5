import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { type ApiOptions, createApp } from './app.js';

interface ServerConfig {
  api: ApiOptions;
  port: number;
  host: string;
}

const config = readConfig(process.env);
const app = createAppOrExit(config.api);

const server = app.listen(config.port, config.host, (error) => {
  if (error) fail(`Failed to listen on ${config.host}:${config.port}: ${error.message}. Set PORT or HOST to a free address.`);
  console.log(`express-api-example listening on ${urlOf(server.address() as AddressInfo)}`);
});

process.once('SIGINT', stop);
process.once('SIGTERM', stop);

/** Reads ISSUER, AUDIENCE and JWKS_URI (required), and PORT and HOST (optional). Exits on a missing or invalid value. */
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
  };
}

function readPort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) {
    fail(`Invalid PORT "${value}": use a whole number from 0 to 65535, where 0 picks a free port.`);
  }
  return port;
}

/** Creates the app, and exits with latchkey's message when it rejects a value, such as an http JWKS_URI on a public host. */
function createAppOrExit(api: ApiOptions): Express {
  try {
    return createApp(api);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    fail(`Failed to create the app from ISSUER, AUDIENCE and JWKS_URI. ${reason}`);
  }
}

function urlOf(address: AddressInfo): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

/**
 * Stops accepting connections and lets running requests finish, so the process exits on its own.
 * A second signal gets Node's default handling and ends the process at once.
 */
function stop(signal: NodeJS.Signals): void {
  console.log(`Received ${signal}, closing the server.`);

  server.close((error) => {
    if (error) {
      console.error(`Failed to close the server: ${error.message}`);
      process.exitCode = 1;
      return;
    }
    console.log('Server closed.');
  });
}

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}
