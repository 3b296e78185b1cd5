import { createVerifier, isLatchkeyError, type LatchkeyError, renderFailure, type RenderedFailure, type Verifier, type VerifierOptions } from '@latchkey/core';

// Next.js bundles proxy.ts, route handlers and server components separately, so each has its own
// copy of this package and of @latchkey/core, and core's module-level key cache registry exists
// once per bundle (seen with Next.js 16.5). Verifiers are therefore kept on globalThis, which
// the bundles of one process share. The Edge runtime has a globalThis of its own.
const REGISTRY_KEY = Symbol.for('@latchkey/next.verifiers');
const MAX_SHARED_VERIFIERS = 32;

type Registry = Map<string, Verifier>;

/**
 * Returns the process-wide verifier for these options, creating it on first use, so the proxy,
 * route handlers and server components share one key cache. Options holding functions or key
 * objects (a custom `fetch`, `clock`, `onEvent`, issuer resolver, `publicKey` or `secret` bytes)
 * cannot be compared, so they get a verifier of their own.
 */
export function sharedVerifier(options: VerifierOptions): Verifier {
  const key = registryKey(options);
  if (key === undefined) return createVerifier(options);

  const registry = globalRegistry();
  const existing = registry.get(key);
  if (existing !== undefined) return existing;

  const verifier = createVerifier(options);
  if (registry.size >= MAX_SHARED_VERIFIERS) registry.delete(registry.keys().next().value as string);
  registry.set(key, verifier);
  return verifier;
}

function globalRegistry(): Registry {
  const holder = globalThis as { [REGISTRY_KEY]?: Registry };
  holder[REGISTRY_KEY] ??= new Map();
  return holder[REGISTRY_KEY];
}

/** JSON of the options, or undefined when they hold anything JSON cannot represent exactly. */
function registryKey(options: VerifierOptions): string | undefined {
  let comparable = true;
  const json = JSON.stringify(options, (_name, value: unknown) => {
    if (typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') comparable = false;
    // URLs arrive here as strings (URL#toJSON); key objects and byte arrays have other prototypes.
    if (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) !== Object.prototype) comparable = false;
    return value;
  });
  return comparable ? json : undefined;
}

/**
 * Returns the error as a LatchkeyError when it is one, also when another bundled copy of
 * @latchkey/core created it (so `instanceof` fails).
 */
export function asLatchkeyError(error: unknown): LatchkeyError | undefined {
  if (isLatchkeyError(error)) return error;
  if (!(error instanceof Error)) return undefined;

  const candidate = error as Partial<Record<'code' | 'status' | 'description' | 'bearerError', unknown>>;
  const looksLikeFailure = typeof candidate.code === 'string' && typeof candidate.status === 'number' && typeof candidate.description === 'string' && 'bearerError' in candidate;
  return looksLikeFailure ? (error as LatchkeyError) : undefined;
}

/**
 * Renders a failure with the core copy that created it: core's renderer reads subclass fields
 * (`retryAfter`, `requiredScopes`) through `instanceof`, which only works within one copy.
 */
export function renderWith(verifier: Verifier, failure: LatchkeyError): RenderedFailure {
  return isLatchkeyError(failure) ? renderFailure(failure, { realm: verifier.config.realm }) : verifier.render(failure);
}
