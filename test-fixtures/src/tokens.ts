import { randomUUID } from 'node:crypto';

import { signCompact, withoutUndefined } from './jws.js';
import { generateTestKey, type TestKey } from './keys.js';
import { signPreset, type TokenPreset } from './token-presets.js';

/** Settings shared by every token that a factory signs. */
export interface TokenFactoryOptions {
  issuer: string;
  audience: string | string[];
  /** Default signing key, which also sets the default `alg` and `kid` header parameters. */
  key: TestKey;
  /** Current time in seconds since the Unix epoch, read once per token. Defaults to the system clock. */
  now?: () => number;
}

/** Changes to the default header and payload of one token. */
export interface SignTokenOptions {
  /** Claims to add or override. A claim set to `undefined` is removed. */
  claims?: Record<string, unknown>;
  /** Protected header parameters to add or override. A parameter set to `undefined` is removed. */
  header?: Record<string, unknown>;
  /** Signing key for this token only. Its `alg` and `kid` replace the factory key's in the header. */
  key?: TestKey;
  /** Lifetime in seconds from now, which sets `exp`. Defaults to 3600. */
  expiresIn?: number;
}

/** Signs access tokens for one issuer and audience. */
export interface TokenFactory {
  readonly issuer: string;
  readonly audience: string | string[];
  readonly key: TestKey;
  /** Signs a token with the default claims and header, changed by `options`. */
  sign(options?: SignTokenOptions): Promise<string>;
  /** Builds the named token, which has the one defect its name describes. `valid` has none, and `algNone` is unsigned. */
  preset(name: TokenPreset): Promise<string>;
}

const defaultLifetimeSeconds = 3600;

function systemTimeSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/**
 * Creates a token factory. Tokens carry `iss`, `aud`, `sub: 'user-123'`, `iat` (60 s ago),
 * `exp`, `scope: 'read:items'` and a random `jti`, and the header `{ alg, typ: 'JWT', kid }`.
 */
export function createTokenFactory(options: TokenFactoryOptions): TokenFactory {
  const { issuer, audience, key } = options;
  const now = options.now ?? systemTimeSeconds;
  let unknownKey: Promise<TestKey> | undefined;

  const defaultPayload = (time: number, expiresIn = defaultLifetimeSeconds): Record<string, unknown> => ({
    iss: issuer,
    aud: audience,
    sub: 'user-123',
    iat: time - 60,
    exp: time + expiresIn,
    scope: 'read:items',
    jti: randomUUID(),
  });

  const signAt = (time: number, signOptions: SignTokenOptions = {}): Promise<string> => {
    const signingKey = signOptions.key ?? key;

    const payload = withoutUndefined({ ...defaultPayload(time, signOptions.expiresIn), ...signOptions.claims });
    const header = withoutUndefined({ alg: signingKey.alg, typ: 'JWT', kid: signingKey.kid, ...signOptions.header });

    return signCompact(header, payload, signingKey.privateKey);
  };

  // The key is generated on first use, so factories that never sign `unknownKid` skip the cost.
  const getUnknownKey = (): Promise<TestKey> => {
    unknownKey ??= generateTestKey(key.alg, `unpublished-${randomUUID().slice(0, 8)}`);
    return unknownKey;
  };

  return {
    issuer,
    audience,
    key,
    sign: (signOptions) => signAt(now(), signOptions),
    preset: (name) => {
      const time = now();

      return signPreset(name, {
        key,
        time,
        defaultPayload: () => defaultPayload(time),
        sign: (signOptions) => signAt(time, signOptions),
        unknownKey: getUnknownKey,
      });
    },
  };
}
