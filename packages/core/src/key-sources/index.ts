import type { IssuerSpec, ResolvedConfig } from '../config/index.js';
import type { KeySourceEventListener } from '../events.js';
import { discoveryLocator, fixedLocator, type JwksLocator } from './discovery.js';
import { FetchLimiter } from './fetch-limiter.js';
import { sharedFetchLimiter, sharedRemoteJwksSource } from './registry.js';
import { RemoteJwksSource } from './remote-jwks.js';
import { createLocalJwksSource, createPublicKeySource, createSecretSource } from './static.js';
import type { KeySource } from './types.js';

export type { KeySource, VerificationKey } from './types.js';
export { RemoteJwksSource } from './remote-jwks.js';

/** Parts the key sources of one verifier share: the event emitter and the fetch cap. */
export interface KeySourceContext {
  config: ResolvedConfig;
  emit: KeySourceEventListener;
  limiter: FetchLimiter;
  /** Whether sources may come from the process-wide registry. */
  shared: boolean;
}

/** Creates the shared parts for a verifier's key sources. */
export function createKeySourceContext(config: ResolvedConfig, emit: KeySourceEventListener): KeySourceContext {
  const shared = config.fetch === undefined && config.clock === Date.now && config.onEvent === undefined;
  const limiter = shared ? sharedFetchLimiter(config.jwksCache.maxFetchesPerMinute) : new FetchLimiter(config.jwksCache.maxFetchesPerMinute, config.clock);
  return { config, emit, limiter, shared };
}

/** Builds the key source of one issuer. */
export function createKeySource(spec: IssuerSpec, context: KeySourceContext): KeySource {
  const source = spec.keySource;

  switch (source.kind) {
    case 'remote':
    case 'discovery':
      return remoteSource(spec, context);
    case 'local':
      return createLocalJwksSource(source.jwks, spec.algorithms);
    case 'public-key':
      return createPublicKeySource(source.key);
    case 'secret':
      return createSecretSource(source.secret);
  }
}

function remoteSource(spec: IssuerSpec, context: KeySourceContext): RemoteJwksSource {
  const { config, emit, limiter } = context;
  const issuer = spec.issuer?.length === 1 ? spec.issuer[0] : undefined;
  const fetchImpl = config.fetch ?? ((input: URL | RequestInfo, init?: RequestInit) => fetch(input, init));

  const create = () =>
    new RemoteJwksSource({
      issuer,
      locator: locatorOf(spec, context, fetchImpl),
      cache: config.jwksCache,
      algorithms: spec.algorithms,
      fetch: fetchImpl,
      clock: config.clock,
      limiter,
      emit,
    });

  if (!context.shared) return create();
  const location = spec.keySource.kind === 'remote' ? spec.keySource.url.href : `discovery:${issuer}`;
  return sharedRemoteJwksSource(JSON.stringify([spec.issuer, location, config.jwksCache, spec.algorithms]), create);
}

function locatorOf(spec: IssuerSpec, context: KeySourceContext, fetchImpl: typeof fetch): JwksLocator {
  const source = spec.keySource;
  if (source.kind === 'remote') return fixedLocator(source.url);
  if (source.kind !== 'discovery') throw new TypeError(`A ${source.kind} key source has no JWKS location`);

  const { config } = context;
  return discoveryLocator({
    issuer: source.issuer,
    fetchOptions: { fetch: fetchImpl, timeout: config.jwksCache.timeout, maxResponseBytes: config.jwksCache.maxResponseBytes },
    limiter: context.limiter,
    clock: config.clock,
    emit: context.emit,
  });
}
