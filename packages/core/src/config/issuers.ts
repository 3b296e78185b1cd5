import { ConfigurationError } from '../errors.js';
import type { Algorithm, IssuerOptions, SingleIssuerOptions } from '../options.js';
import { resolveAlgorithms } from './algorithms.js';
import { type KeySourceSpec, resolveKeySource } from './key-source.js';
import { resolveAcceptedValues } from './values.js';

/** One trusted issuer after its options were checked. */
export interface IssuerSpec {
  /** Accepted `iss` values, or null when the check is off. */
  issuer: readonly string[] | null;
  audience: readonly string[] | null;
  algorithms: readonly Algorithm[];
  keySource: KeySourceSpec;
}

const ISSUER_EXAMPLE = '"https://auth.example.com/"';

/** Checks the issuer and key source of a single-issuer verifier. */
export function resolveSingleIssuer(options: SingleIssuerOptions, audience: readonly string[] | null): IssuerSpec {
  const issuer = resolveAcceptedValues('issuer', options.issuer, ISSUER_EXAMPLE);
  return resolveIssuerSpec(options, issuer, audience, options.algorithms, '');
}

/** Checks every entry of an `issuers` list. */
export function resolveIssuerList(
  entries: readonly IssuerOptions[],
  audience: readonly string[] | null,
  algorithms: readonly Algorithm[] | undefined,
): readonly IssuerSpec[] {
  if (!Array.isArray(entries) || entries.length === 0) {
    throw new ConfigurationError('issuers', 'must be a non-empty array or a resolver function', 'List each trusted issuer with its key source, for example [{ issuer: "https://auth.example.com/", discovery: true }]');
  }

  const seen = new Set<string>();
  const specs = entries.map((entry, index) => {
    const spec = resolveIssuerEntry(entry, `issuers[${index}].`, audience, algorithms);
    const [issuer = ''] = spec.issuer ?? [];
    if (seen.has(issuer)) {
      throw new ConfigurationError(`issuers[${index}].issuer`, `repeats ${JSON.stringify(issuer)}`, 'List each issuer once');
    }
    seen.add(issuer);
    return spec;
  });
  return Object.freeze(specs);
}

/**
 * Checks the configuration an issuer resolver returned for a token's `iss`. Only remote key
 * sources are accepted, so a resolver can never make a token carry its own key.
 */
export function resolveResolvedIssuer(entry: IssuerOptions, tokenIssuer: string, audience: readonly string[] | null): IssuerSpec {
  const spec = resolveIssuerEntry(entry, 'issuers(resolved).', audience, undefined);

  if (spec.keySource.kind !== 'remote' && spec.keySource.kind !== 'discovery') {
    throw new ConfigurationError('issuers(resolved)', `returned a ${spec.keySource.kind} key source`, 'Return jwksUri or discovery: true from an issuer resolver; list static keys in an issuers array instead');
  }
  if (spec.issuer?.[0] !== tokenIssuer) {
    throw new ConfigurationError('issuers(resolved).issuer', 'differs from the issuer it was asked for', 'Return the configuration of exactly the requested issuer, or undefined to reject it');
  }
  return spec;
}

function resolveIssuerEntry(entry: IssuerOptions, prefix: string, audience: readonly string[] | null, algorithms: readonly Algorithm[] | undefined): IssuerSpec {
  if (typeof entry !== 'object' || entry === null) {
    throw new ConfigurationError(prefix.slice(0, -1), 'must be an object', 'Pass { issuer, jwksUri } or { issuer, discovery: true }');
  }
  if (typeof entry.issuer !== 'string' || entry.issuer.trim() === '') {
    throw new ConfigurationError(`${prefix}issuer`, 'must be a non-empty string', `Use the exact "iss" value of that issuer, for example ${ISSUER_EXAMPLE}`);
  }

  const entryAudience = entry.audience === undefined ? audience : resolveAcceptedValues('audience', entry.audience, '"https://api.example.com"');
  return resolveIssuerSpec(entry, [entry.issuer], entryAudience, entry.algorithms ?? algorithms, prefix);
}

function resolveIssuerSpec(
  options: Parameters<typeof resolveKeySource>[0],
  issuer: readonly string[] | null,
  audience: readonly string[] | null,
  algorithmOption: readonly Algorithm[] | undefined,
  prefix: string,
): IssuerSpec {
  const keySource = resolveKeySource(options, issuer, prefix);
  const keyKind = keySource.spec.kind === 'secret' ? 'secret' : 'asymmetric';
  const algorithms = resolveAlgorithms(algorithmOption, keyKind, keySource.algorithms);

  if (algorithms.length === 0) {
    throw new ConfigurationError(`${prefix}algorithms`, 'is required for a PEM publicKey on runtimes without node:crypto', 'List the algorithms the key signs with, for example ["RS256"]');
  }
  return Object.freeze({ issuer, audience, algorithms, keySource: keySource.spec });
}
