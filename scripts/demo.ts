/**
 * Runs the Express example (or, with the argument `fastify`, the Fastify example) against a local
 * issuer and prints a token and three curl commands to try. `pnpm demo` and `pnpm demo fastify`
 * run it. PORT sets the API port (default 3000, and 0 picks a free port).
 * Everything listens on 127.0.0.1. Ctrl-C or SIGTERM closes both servers and exits with 0, or with 1 when closing fails.
 */
import type { AddressInfo } from 'node:net';

import { createApp } from '../examples/express-api/src/app.js';
import { buildApp } from '../examples/fastify-api/src/app.js';
import { createTokenFactory, generateTestKey, type LocalIssuer, startIssuer } from '../test-fixtures/src/index.js';

const host = '127.0.0.1';
const audience = 'https://api.example.com';
const tokenLifetimeSeconds = 3600;

/** An example API listening on a port. */
interface RunningApi {
  url: string;
  close(): Promise<void>;
}

type Framework = 'express' | 'fastify';

async function main(): Promise<void> {
  const framework = readFramework(process.argv[2] ?? 'express');
  const port = readPort(process.env['PORT'] ?? '3000');

  const key = await generateTestKey('RS256');
  const issuer = await startIssuer({ keys: [key] });

  const options = { issuer: issuer.issuer, audience, jwksUri: issuer.jwksUri };
  const api = await startOrStopIssuer(framework, options, port, issuer);

  const factory = createTokenFactory({ issuer: issuer.issuer, audience, key });
  const token = await factory.sign({ claims: { scope: 'read:items' }, expiresIn: tokenLifetimeSeconds });

  printInstructions(framework, api.url, issuer.issuer, token);
  stopOnSignals(api, issuer);
}

function readFramework(value: string): Framework {
  if (value !== 'express' && value !== 'fastify') {
    fail(`Unknown example "${value}": run "pnpm demo" for Express or "pnpm demo fastify" for Fastify.`);
  }
  return value;
}

function readPort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) {
    fail(`Invalid PORT "${value}": use a whole number from 0 to 65535, where 0 picks a free port.`);
  }
  return port;
}

/** Starts the API, or closes the issuer and exits when the port cannot be used. */
async function startOrStopIssuer(framework: Framework, options: Parameters<typeof createApp>[0], port: number, issuer: LocalIssuer): Promise<RunningApi> {
  try {
    return framework === 'express' ? await startExpress(options, port) : await startFastify(options, port);
  } catch (error) {
    await issuer.close();
    const reason = error instanceof Error ? error.message : String(error);
    fail(`Failed to start the API on ${host}:${port}: ${reason}. Pick another port, for example PORT=3001 pnpm demo.`);
  }
}

async function startExpress(options: Parameters<typeof createApp>[0], port: number): Promise<RunningApi> {
  const app = createApp(options);
  const server = await new Promise<ReturnType<typeof app.listen>>((resolve, reject) => {
    const listening = app.listen(port, host, (error) => (error ? reject(error) : resolve(listening)));
  });

  const close = () =>
    new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeAllConnections();
    });
  return { url: `http://${host}:${(server.address() as AddressInfo).port}`, close };
}

async function startFastify(options: Parameters<typeof buildApp>[0], port: number): Promise<RunningApi> {
  const app = await buildApp(options);
  const url = await app.listen({ port, host });
  return { url, close: () => app.close() };
}

function printInstructions(framework: Framework, apiUrl: string, issuerUrl: string, token: string): void {
  const bearer = `-H "Authorization: Bearer ${token}"`;

  console.log(`latchkey demo: ${framework} example API on ${apiUrl}, local issuer on ${issuerUrl}. Press Ctrl-C to stop.`);
  console.log('');
  console.log(`# Access token for user-123 with scope read:items, valid for ${tokenLifetimeSeconds / 60} minutes:`);
  console.log(`TOKEN=${token}`);
  console.log('');
  console.log('# 401 Unauthorized: no token');
  console.log(`curl -i ${apiUrl}/items`);
  console.log('# 200 OK: the token has scope read:items');
  console.log(`curl -i ${bearer} ${apiUrl}/items`);
  console.log('# 403 Forbidden: creating an item needs scope write:items, which the token lacks');
  console.log(`curl -i -X POST ${bearer} -H "Content-Type: application/json" -d '{"name":"Notebook"}' ${apiUrl}/items`);
}

/** Closes the API and the issuer on the first SIGINT or SIGTERM, then exits. */
function stopOnSignals(api: RunningApi, issuer: LocalIssuer): void {
  const stop = (signal: NodeJS.Signals): void => {
    console.log(`Received ${signal}, stopping the API and the issuer.`);

    Promise.all([api.close(), issuer.close()]).then(
      () => process.exit(0),
      (error: unknown) => fail(`Failed to stop the demo: ${error instanceof Error ? error.message : String(error)}`),
    );
  };

  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

await main();
