import type { JWTVerifyOptions } from 'jose';
import { LRUCache } from 'lru-cache';
import { type IssuerSpec, type ResolvedConfig, resolveResolvedIssuer } from './config/index.js';
import type { CredentialRequest } from './extract.js';
import { createKeySource, type KeySource, type KeySourceContext } from './key-sources/index.js';
import { invalidToken } from './map-error.js';

/** One trusted issuer, ready to verify: its checked settings, key source and jose options. */
export interface IssuerRuntime {
  spec: IssuerSpec;
  keySource: KeySource;
  joseOptions: JWTVerifyOptions;
}

/** Most resolver results kept; older issuers are rebuilt, with a cold key cache, when they return. */
const MAX_RESOLVED_ISSUERS = 1000;

/**
 * The issuers a verifier trusts. It picks the issuer for a token's unverified `iss` before any key
 * is looked up, so a token of an unknown issuer never causes a fetch. Each issuer has its own key
 * source, so a key of one issuer never verifies a token of another.
 */
export class IssuerDirectory {
  readonly #config: ResolvedConfig;
  readonly #context: KeySourceContext;
  readonly #byIssuer = new Map<string, IssuerRuntime>();
  readonly #anyIssuer: IssuerRuntime | undefined;
  readonly #resolved = new LRUCache<string, IssuerRuntime>({ max: MAX_RESOLVED_ISSUERS });

  constructor(config: ResolvedConfig, context: KeySourceContext) {
    this.#config = config;
    this.#context = context;
    if (config.issuers.kind === 'resolver') return;

    for (const spec of config.issuers.entries) {
      const runtime = this.#build(spec);
      if (spec.issuer === null) this.#anyIssuer = runtime;
      for (const issuer of spec.issuer ?? []) this.#byIssuer.set(issuer, runtime);
    }
  }

  /** The runtimes of a fixed issuer list; empty for a resolver. */
  get listed(): readonly IssuerRuntime[] {
    const runtimes = new Set(this.#byIssuer.values());
    if (this.#anyIssuer !== undefined) runtimes.add(this.#anyIssuer);
    return [...runtimes];
  }

  /** Returns the issuer for a token's unverified `iss`, or throws `issuer_invalid`. */
  async select(tokenIssuer: unknown, request: CredentialRequest | undefined): Promise<IssuerRuntime> {
    if (this.#anyIssuer !== undefined) return this.#anyIssuer;
    if (typeof tokenIssuer !== 'string') throw invalidToken('issuer_invalid');

    const listed = this.#byIssuer.get(tokenIssuer);
    if (listed !== undefined) return listed;
    if (this.#config.issuers.kind !== 'resolver') throw invalidToken('issuer_invalid');

    const options = await this.#config.issuers.resolve({ issuer: tokenIssuer, request });
    if (options === undefined) throw invalidToken('issuer_invalid');
    return this.#fromResolver(resolveResolvedIssuer(options, tokenIssuer, this.#config.audience));
  }

  #fromResolver(spec: IssuerSpec): IssuerRuntime {
    const key = JSON.stringify([spec.issuer, spec.audience, spec.algorithms, spec.keySource]);

    let runtime = this.#resolved.get(key);
    if (runtime === undefined) {
      runtime = this.#build(spec);
      this.#resolved.set(key, runtime);
    }
    return runtime;
  }

  #build(spec: IssuerSpec): IssuerRuntime {
    return { spec, keySource: createKeySource(spec, this.#context), joseOptions: toJoseOptions(spec, this.#config) };
  }
}

function toJoseOptions(spec: IssuerSpec, config: ResolvedConfig): JWTVerifyOptions {
  return Object.freeze({
    algorithms: [...spec.algorithms],
    clockTolerance: config.clockTolerance,
    requiredClaims: [...config.requiredClaims],
    ...(spec.issuer === null ? {} : { issuer: [...spec.issuer] }),
    ...(spec.audience === null ? {} : { audience: [...spec.audience] }),
    ...(config.maxTokenAge === undefined ? {} : { maxTokenAge: config.maxTokenAge }),
    ...(config.typ === undefined ? {} : { typ: config.typ }),
  });
}
