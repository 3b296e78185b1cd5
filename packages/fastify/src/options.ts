import { ConfigurationError, createVerifier, type Verifier, type VerifierHooks, type VerifierOptions } from '@latchkey/core';

/** Options of the plugin itself, next to the verifier options. */
export interface AdapterOptions {
  /**
   * Let requests without any credentials through as anonymous (`request.auth` null) on routes
   * that do not set `config.auth`. A bad token is still rejected. Default false.
   */
  optional?: boolean;
}

/** Options of the plugin: verifier options, or an existing verifier to share its key cache. */
export type LatchkeyOptions = (VerifierOptions & VerifierHooks & AdapterOptions) | ({ verifier: Verifier } & AdapterOptions);

/** Settings of one plugin registration after every option was checked. */
export interface ResolvedOptions {
  verifier: Verifier;
  optional: boolean;
}

// Options that build a verifier, and so make no sense next to a ready-made one.
const verifierOptionNames = ['issuer', 'audience', 'jwksUri', 'jwks', 'publicKey', 'secret', 'algorithms', 'realm', 'onEvent'] as const;

/**
 * Checks the plugin options and creates the verifier. Throws a ConfigurationError that names the
 * option and the fix, so `app.ready()` rejects before the server takes requests.
 */
export function resolveOptions(options: LatchkeyOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigurationError('options', 'must be an object', 'Register the plugin with at least { issuer, audience, jwksUri }');
  }

  return { verifier: resolveVerifier(options), optional: resolveOptional(options.optional) };
}

function resolveVerifier(options: LatchkeyOptions): Verifier {
  if (!('verifier' in options)) return createVerifier(options);

  const verifier: unknown = options.verifier;
  if (!isVerifier(verifier)) {
    throw new ConfigurationError('verifier', 'must be a verifier created by createVerifier() from @latchkey/core', 'Pass the result of createVerifier({ issuer, audience, jwksUri }), or pass those options instead');
  }

  const mixed = verifierOptionNames.filter((name) => name in options);
  if (mixed.length > 0) {
    throw new ConfigurationError('verifier', `cannot be combined with ${mixed.join(', ')}`, 'Pass either { verifier } or the verifier options, and set those options on createVerifier()');
  }
  return verifier;
}

function isVerifier(value: unknown): value is Verifier {
  if (typeof value !== 'object' || value === null) return false;

  const candidate = value as Partial<Record<keyof Verifier, unknown>>;
  return typeof candidate.authenticate === 'function' && typeof candidate.authenticateOptional === 'function' && typeof candidate.render === 'function';
}

function resolveOptional(value: unknown): boolean {
  if (value === undefined || typeof value === 'boolean') return value ?? false;

  throw new ConfigurationError('optional', `must be true or false, not ${JSON.stringify(value)}`, 'Leave it unset to require a token on every route, or set config.auth on single routes');
}
