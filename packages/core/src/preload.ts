import { isLoopbackHost } from './config/loopback.js';
import type { ResolvedConfig } from './config/index.js';
import type { IssuerRuntime } from './issuer-directory.js';
import { RemoteJwksSource } from './key-sources/index.js';

/** A misconfiguration found by `preload`. */
export interface PreloadProblem {
  code: 'insecure_issuer' | 'key_source_unreachable' | 'no_key_for_algorithms' | 'discovery_mismatch';
  message: string;
}

/** The outcome of preloading one issuer. */
export interface IssuerPreloadResult {
  /** The issuer, or null for a verifier that accepts any issuer. */
  issuer: string | null;
  /** Key ids of the usable keys, when a remote key set was loaded. */
  kids?: readonly (string | undefined)[];
  problems: readonly PreloadProblem[];
}

/** Result of `verifier.preload()`. `ok` is true when no issuer has a problem. */
export interface PreloadReport {
  ok: boolean;
  issuers: readonly IssuerPreloadResult[];
}

/**
 * Loads the key sets of the listed issuers in parallel and collects problems instead of throwing.
 * Each fetch is bounded by the key source timeout, so the report is ready within about that time.
 */
export async function preloadIssuers(runtimes: readonly IssuerRuntime[], config: ResolvedConfig): Promise<PreloadReport> {
  const issuers = await Promise.all(runtimes.map((runtime) => preloadIssuer(runtime, config)));
  return { ok: issuers.every((result) => result.problems.length === 0), issuers };
}

async function preloadIssuer(runtime: IssuerRuntime, config: ResolvedConfig): Promise<IssuerPreloadResult> {
  const { spec, keySource } = runtime;
  const problems: PreloadProblem[] = insecureIssuers(spec.issuer ?? []);
  const result: IssuerPreloadResult = { issuer: spec.issuer?.join(' ') ?? null, problems };
  if (!(keySource instanceof RemoteJwksSource)) return result;

  const loaded = await keySource.preload();
  if (loaded.ok) return { ...result, kids: loaded.kids };

  const { reason, message } = loaded.error;
  if (reason === 'no_usable_keys') {
    problems.push({ code: 'no_key_for_algorithms', message: `${message}. Allowed algorithms: ${spec.algorithms.join(', ')}. Check the algorithms option against the keys your issuer publishes` });
  } else if (reason === 'issuer_mismatch') {
    problems.push({ code: 'discovery_mismatch', message: `${message}. Set issuer to the exact value in the metadata` });
  } else {
    problems.push({ code: 'key_source_unreachable', message: `${message} (${reason}). Requests fail with 503 until keys can be fetched, and retries follow the ${config.jwksCache.cooldown / 1000} s cooldown` });
  }
  return result;
}

function insecureIssuers(issuers: readonly string[]): PreloadProblem[] {
  return issuers.filter(isInsecureIssuer).map((issuer) => ({
    code: 'insecure_issuer' as const,
    message: `The issuer ${issuer} uses plain http. Identity providers must be reached over https outside local development`,
  }));
}

function isInsecureIssuer(issuer: string): boolean {
  try {
    const url = new URL(issuer);
    return url.protocol === 'http:' && !isLoopbackHost(url.hostname);
  } catch {
    return false;
  }
}
