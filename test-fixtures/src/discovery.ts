/** Path of the JWK Set that the local issuer serves. */
export const jwksPath = '/.well-known/jwks.json';

/** Path of the OpenID Connect Discovery 1.0 provider configuration. */
export const openidConfigurationPath = '/.well-known/openid-configuration';

/** Path of the OAuth 2.0 Authorization Server Metadata (RFC 8414). */
export const authorizationServerMetadataPath = '/.well-known/oauth-authorization-server';

/** Issuer values that both metadata documents are built from. */
export interface MetadataInput {
  issuer: string;
  jwksUri: string;
  /** Algorithms of the published keys, which fill `id_token_signing_alg_values_supported`. */
  signingAlgorithms: string[];
}

/** Builds the OpenID provider configuration with the fields that JWT verifiers read. */
export function openidConfiguration(input: MetadataInput): Record<string, unknown> {
  return {
    issuer: input.issuer,
    jwks_uri: input.jwksUri,
    id_token_signing_alg_values_supported: input.signingAlgorithms,
    response_types_supported: ['code'],
    subject_types_supported: ['public'],
  };
}

/** Builds the RFC 8414 metadata with `issuer`, `jwks_uri` and the required `response_types_supported`. */
export function authorizationServerMetadata(input: MetadataInput): Record<string, unknown> {
  return {
    issuer: input.issuer,
    jwks_uri: input.jwksUri,
    response_types_supported: ['code'],
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Returns the JWK objects in the `keys` array of a JWK Set, skipping entries that are not objects. */
export function jwkEntries(jwks: unknown): Record<string, unknown>[] {
  const keys = isObject(jwks) ? jwks['keys'] : undefined;

  return Array.isArray(keys) ? keys.filter(isObject) : [];
}

/**
 * Returns the distinct string `alg` values of the keys in a JWK Set. Without any, returns
 * `['RS256']`, which OpenID Connect Discovery requires in `id_token_signing_alg_values_supported`.
 */
export function signingAlgorithmsOf(jwks: unknown): string[] {
  const algorithms = jwkEntries(jwks)
    .map((key) => key['alg'])
    .filter((alg): alg is string => typeof alg === 'string');

  return algorithms.length > 0 ? [...new Set(algorithms)] : ['RS256'];
}
