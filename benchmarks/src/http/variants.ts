import type { ExpressVariant, FastifyVariant, ServerVariant } from './apps/types.js';

/** Label and notes of a server variant in the report. */
export interface VariantDescription {
  label: string;
  notes: string[];
}

export const variantDescriptions: Record<ServerVariant, VariantDescription> = {
  'express-plain': { label: 'Express, no authentication', notes: [] },
  'express-latchkey': { label: 'Express + @latchkey/express', notes: [] },
  'express-oauth2-jwt-bearer': { label: 'Express + express-oauth2-jwt-bearer', notes: ['issuer, audience, jwksUri and tokenSigningAlg RS256; jose remote JWK Set with its default cache'] },
  'express-jwt': {
    label: 'Express + express-jwt + jwks-rsa',
    notes: ['jwks-rsa with cache and rate limit on, as its README shows', "errors without a status, such as jwks-rsa's rate-limit error, are sent as 500"],
  },
  'passport-jwt': { label: 'Express + passport-jwt + jwks-rsa', notes: ['passport.authenticate with session off; jwks-rsa with cache and rate limit on'] },
  'fastify-plain': { label: 'Fastify, no authentication', notes: [] },
  'fastify-latchkey': { label: 'Fastify + @latchkey/fastify', notes: [] },
  'fastify-jwt': {
    label: 'Fastify + @fastify/jwt + get-jwks',
    notes: ['get-jwks as the @fastify/jwt README shows, with the issuer allowlisted; verified-token cache off (its default)', "get-jwks's error for an unknown key id has no status, so Fastify sends 500"],
  },
  'fastify-jwt-jwks': { label: 'Fastify + fastify-jwt-jwks', notes: ['its algorithm list is fixed to RS256 and EdDSA and cannot be narrowed'] },
};

/** A framework, its server without authentication, and the authenticated variants measured against it. */
export interface FrameworkPlan {
  id: 'express' | 'fastify';
  title: string;
  plain: ServerVariant;
  variants: readonly ServerVariant[];
}

export const frameworkPlans: readonly FrameworkPlan[] = [
  {
    id: 'express',
    title: 'Express 5',
    plain: 'express-plain',
    variants: ['express-latchkey', 'express-oauth2-jwt-bearer', 'express-jwt', 'passport-jwt'] satisfies ExpressVariant[],
  },
  {
    id: 'fastify',
    title: 'Fastify 5',
    plain: 'fastify-plain',
    variants: ['fastify-latchkey', 'fastify-jwt', 'fastify-jwt-jwks'] satisfies FastifyVariant[],
  },
];

/** The variants that use latchkey, which the targets are about. */
export const latchkeyVariants: readonly ServerVariant[] = ['express-latchkey', 'fastify-latchkey'];
