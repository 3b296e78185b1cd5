import type { ResolvedConfig } from '../config/index.js';
import type { KeySourceEventListener } from '../events.js';
import { sharedRemoteJwksSource } from './registry.js';
import { RemoteJwksSource } from './remote-jwks.js';
import { createLocalJwksSource, createPublicKeySource, createSecretSource } from './static.js';
import type { KeySource } from './types.js';

export type { KeySource, VerificationKey } from './types.js';

/** Builds the key source a verifier's configuration names. */
export function createKeySource(config: ResolvedConfig, onEvent: KeySourceEventListener | undefined): KeySource {
  const spec = config.keySource;

  switch (spec.kind) {
    case 'remote': {
      const isolated = config.fetch !== undefined || config.clock !== Date.now || onEvent !== undefined;
      const settings = {
        url: spec.url,
        cache: config.jwksCache,
        algorithms: config.algorithms,
        fetch: config.fetch ?? ((input, init) => fetch(input, init)),
        clock: config.clock,
        onEvent: onEvent ?? (() => undefined),
      } satisfies ConstructorParameters<typeof RemoteJwksSource>[0];
      return isolated ? new RemoteJwksSource(settings) : sharedRemoteJwksSource(settings);
    }
    case 'local':
      return createLocalJwksSource(spec.jwks, config.algorithms);
    case 'public-key':
      return createPublicKeySource(spec.key);
    case 'secret':
      return createSecretSource(spec.secret);
  }
}
