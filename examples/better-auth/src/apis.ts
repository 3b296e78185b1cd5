import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RevocationStore } from '@latchkey/core';
import { latchkey } from '@latchkey/express';
import express from 'express';
import { createApp } from '../../express-api/src/app.js';
import { buildApp } from '../../fastify-api/src/app.js';
import { withCors } from './cors.js';
import { type Answer, revokePresentedToken } from './revoke.js';

/** Settings of one example API started next to the Better Auth app. */
export interface ApiSettings {
  /** `iss` of the tokens: the Better Auth base URL. */
  issuer: string;
  audience: string;
  /** Better Auth's JWKS URL. */
  jwksUri: string;
  /** Origins of the pages that may call the API from a browser. */
  allowedOrigins: readonly string[];
  /** Store of revoked token ids and subject epochs. */
  store: RevocationStore;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0, a free port. */
  port?: number;
}

/** An API listening on a port. */
export interface RunningApi {
  name: 'express' | 'fastify';
  /** Origin of the API, such as `http://127.0.0.1:4001`. */
  url: string;
  close(): Promise<void>;
}

/**
 * Starts the Express example API unchanged, with the revocation store added to its verifier
 * options, `POST /revoke` in front of it, and CORS around it.
 */
export async function startExpressApi(settings: ApiSettings): Promise<RunningApi> {
  const options = verifierOptions(settings);
  const app = express();

  app.post('/revoke', latchkey(options), (request, response, next) => {
    if (request.auth === undefined) return next();
    revokePresentedToken(request.auth, settings.store).then((answer) => sendAnswer(response, answer), next);
  });
  app.use(createApp(options));

  const server = createServer(withCors(app, settings.allowedOrigins));
  return listen('express', server, settings);
}

/**
 * Starts the Fastify example API unchanged, with the revocation store added to its verifier
 * options, `POST /revoke` added, and CORS around its server.
 */
export async function startFastifyApi(settings: ApiSettings): Promise<RunningApi> {
  const app = await buildApp(verifierOptions(settings), {
    logger: false,
    serverFactory: (handler: RequestListener) => createServer(withCors(handler, settings.allowedOrigins)),
  });

  app.post('/revoke', async (request, reply) => {
    if (request.auth === null || request.auth === undefined) throw new Error('POST /revoke ran without request.auth: latchkey must authenticate it.');
    const answer = await revokePresentedToken(request.auth, settings.store);
    return reply.code(answer.status).headers(answer.headers).send(answer.body === '' ? undefined : answer.body);
  });

  await app.listen({ host: settings.host ?? '127.0.0.1', port: settings.port ?? 0 });
  return { name: 'fastify', url: originOf(app.server.address() as AddressInfo), close: () => app.close() };
}

/**
 * Returns the examples' `ApiOptions` plus `revocation`. Both examples pass their options object to
 * the latchkey adapter as it is, so the adapter receives the store too.
 */
function verifierOptions(settings: ApiSettings) {
  return { issuer: settings.issuer, audience: settings.audience, jwksUri: settings.jwksUri, revocation: { store: settings.store } };
}

function sendAnswer(response: express.Response, answer: Answer): void {
  response.status(answer.status).set(answer.headers);
  if (answer.body === '') response.end();
  else response.send(answer.body);
}

async function listen(name: RunningApi['name'], server: Server, settings: ApiSettings): Promise<RunningApi> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(settings.port ?? 0, settings.host ?? '127.0.0.1', () => resolve());
  });

  const close = () =>
    new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((error) => (error ? reject(error) : resolve()));
    });
  return { name, url: originOf(server.address() as AddressInfo), close };
}

function originOf(address: AddressInfo): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}
