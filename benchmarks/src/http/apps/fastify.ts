import fastifyJwt from '@fastify/jwt';
import { latchkey } from '@latchkey/fastify';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { fastifyJwtJwks } from 'fastify-jwt-jwks';
import buildGetJwks from 'get-jwks';

import { benchBody, benchRoute, type FastifyVariant, type ServerAuthConfig } from './types.js';

/** Registers @fastify/jwt with get-jwks, as its README shows for JWKS, with the issuer allowlisted. */
async function registerFastifyJwt(app: FastifyInstance, config: ServerAuthConfig): Promise<void> {
  const getJwks = buildGetJwks({ issuersWhitelist: [config.issuer] });

  await app.register(fastifyJwt, {
    decode: { complete: true },
    secret: (_request: FastifyRequest, token: { header: { kid?: string; alg: string }; payload: { iss?: string } }) =>
      getJwks.getPublicKey({ kid: token.header.kid ?? '', domain: token.payload.iss ?? '', alg: token.header.alg }),
    verify: { allowedIss: config.issuer, allowedAud: config.audience, algorithms: ['RS256'] },
  } as never);

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    try {
      await request.jwtVerify();
    } catch (error) {
      return reply.send(error);
    }
  });
}

/** Registers fastify-jwt-jwks as its README shows, with `authenticate` before each route. */
async function registerFastifyJwtJwks(app: FastifyInstance, config: ServerAuthConfig): Promise<void> {
  await app.register(fastifyJwtJwks, { jwksUrl: config.jwksUri, issuer: config.issuer, audience: config.audience });

  app.addHook('preValidation', app.authenticate);
}

async function registerAuth(app: FastifyInstance, variant: FastifyVariant, config: ServerAuthConfig): Promise<void> {
  switch (variant) {
    case 'fastify-plain':
      return;
    case 'fastify-latchkey':
      await app.register(latchkey, { issuer: config.issuer, audience: config.audience, jwksUri: config.jwksUri, algorithms: ['RS256'] });
      return;
    case 'fastify-jwt':
      await registerFastifyJwt(app, config);
      return;
    case 'fastify-jwt-jwks':
      await registerFastifyJwtJwks(app, config);
      return;
  }
}

/** Builds the Fastify app of one variant: the same route, behind the variant's plugin. Logging is off, as in Fastify's default. */
export async function buildFastifyApp(variant: FastifyVariant, config: ServerAuthConfig): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });

  await registerAuth(app, variant, config);

  app.get(benchRoute, async () => benchBody);

  return app;
}
