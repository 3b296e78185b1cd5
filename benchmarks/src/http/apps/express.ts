import { latchkey } from '@latchkey/express';
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import { expressjwt } from 'express-jwt';
import { auth } from 'express-oauth2-jwt-bearer';
import jwksRsa from 'jwks-rsa';
import passport from 'passport';
import { ExtractJwt, Strategy as JwtStrategy } from 'passport-jwt';

import { benchBody, benchRoute, type ExpressVariant, type ServerAuthConfig } from './types.js';

/** JWKS client settings from the jwks-rsa README: key cache on, rate limit on. */
function jwksClientOptions(config: ServerAuthConfig) {
  return { jwksUri: config.jwksUri, cache: true, rateLimit: true, jwksRequestsPerMinute: 5 };
}

/**
 * Sends errors from the peer middleware as their status and a small JSON body, as their READMEs
 * suggest. Express's default handler would render an HTML page instead.
 */
const sendAuthError: ErrorRequestHandler = (error: { status?: number; statusCode?: number; code?: string; headers?: Record<string, string> }, _request, response, _next) => {
  if (error.headers !== undefined) {
    response.set(error.headers);
  }

  response.status(error.status ?? error.statusCode ?? 500).json({ error: error.code ?? 'unauthorized' });
};

function authMiddleware(variant: ExpressVariant, config: ServerAuthConfig): RequestHandler | undefined {
  switch (variant) {
    case 'express-plain':
      return undefined;
    case 'express-latchkey':
      return latchkey({ issuer: config.issuer, audience: config.audience, jwksUri: config.jwksUri, algorithms: ['RS256'] });
    case 'express-oauth2-jwt-bearer':
      return auth({ issuer: config.issuer, audience: config.audience, jwksUri: config.jwksUri, tokenSigningAlg: 'RS256' });
    case 'express-jwt':
      return expressjwt({
        secret: jwksRsa.expressJwtSecret(jwksClientOptions(config)),
        issuer: config.issuer,
        audience: config.audience,
        algorithms: ['RS256'],
      });
    case 'passport-jwt':
      return passportMiddleware(config);
  }
}

function passportMiddleware(config: ServerAuthConfig): RequestHandler {
  const strategy = new JwtStrategy(
    {
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKeyProvider: jwksRsa.passportJwtSecret(jwksClientOptions(config)),
      issuer: config.issuer,
      audience: config.audience,
      algorithms: ['RS256'],
    },
    (payload: unknown, done: (error: unknown, user?: unknown) => void) => done(null, payload),
  );

  passport.use(strategy);

  return passport.authenticate('jwt', { session: false }) as RequestHandler;
}

/** Builds the Express app of one variant: the same route, behind the variant's middleware. */
export function buildExpressApp(variant: ExpressVariant, config: ServerAuthConfig): Express {
  const app = express();
  const middleware = authMiddleware(variant, config);

  app.disable('x-powered-by');

  if (middleware !== undefined) {
    app.use(middleware);
  }

  app.get(benchRoute, (_request, response) => {
    response.json(benchBody);
  });

  if (variant !== 'express-latchkey') {
    app.use(sendAuthError);
  }

  return app;
}
