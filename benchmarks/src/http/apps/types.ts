/** Key source and accepted issuer and audience of a benchmark server. */
export interface ServerAuthConfig {
  issuer: string;
  jwksUri: string;
  audience: string;
}

/** The route of every benchmark server. Each variant responds to it with the same JSON body. */
export const benchRoute = '/items';

export const benchBody = { ok: true };

export const expressVariants = ['express-plain', 'express-latchkey', 'express-oauth2-jwt-bearer', 'express-jwt', 'passport-jwt'] as const;
export const fastifyVariants = ['fastify-plain', 'fastify-latchkey', 'fastify-jwt', 'fastify-jwt-jwks'] as const;

export type ExpressVariant = (typeof expressVariants)[number];
export type FastifyVariant = (typeof fastifyVariants)[number];
export type ServerVariant = ExpressVariant | FastifyVariant;

export function isServerVariant(value: string): value is ServerVariant {
  return (expressVariants as readonly string[]).includes(value) || (fastifyVariants as readonly string[]).includes(value);
}
