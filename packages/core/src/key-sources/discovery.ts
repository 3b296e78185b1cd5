import { parseFetchableUrl } from '../config/key-source.js';
import { ConfigurationError } from '../errors.js';
import type { KeySourceEventListener } from '../events.js';
import { fetchDocument, type FetchDocumentOptions, KeySourceFetchError } from './fetch-document.js';
import type { FetchLimiter } from './fetch-limiter.js';

/** Source of a key set's URL: a configured URL, or one found through issuer metadata. */
export interface JwksLocator {
  /** The issuer, or the JWKS URL when no issuer is known, for events and messages. */
  readonly label: string;
  locate(): Promise<URL>;
  /** Forgets a discovered URL, so the next fetch reads the metadata again. */
  invalidate(): void;
}

/** Creates a locator for a JWKS URL given in the configuration. */
export function fixedLocator(url: URL): JwksLocator {
  return { label: url.href, locate: () => Promise.resolve(url), invalidate: () => undefined };
}

export interface DiscoverySettings {
  issuer: string;
  fetchOptions: Omit<FetchDocumentOptions, 'accept'>;
  limiter: FetchLimiter;
  clock: () => number;
  emit: KeySourceEventListener;
}

/**
 * Creates a locator that reads the issuer's metadata: OpenID Connect Discovery first, then RFC 8414
 * authorization server metadata. The metadata's `issuer` must equal the configured issuer
 * exactly, and its `jwks_uri` must be https (or http on loopback), so the key set always belongs
 * to the configured issuer.
 */
export function discoveryLocator(settings: DiscoverySettings): JwksLocator {
  let discovered: Promise<URL> | undefined;

  return {
    label: settings.issuer,
    locate() {
      discovered ??= discover(settings).catch((error: unknown) => {
        discovered = undefined;
        throw error;
      });
      return discovered;
    },
    invalidate() {
      discovered = undefined;
    },
  };
}

/** Returns the metadata URLs of an issuer, in the order they are tried. */
export function metadataUrls(issuer: string): URL[] {
  const url = new URL(issuer);
  const path = url.pathname.replace(/\/+$/, '');

  return [
    new URL(`${url.origin}${path}/.well-known/openid-configuration`),
    // RFC 8414 §3.1 inserts the well-known segment between the host and the issuer's path.
    new URL(`${url.origin}/.well-known/oauth-authorization-server${path}`),
  ];
}

async function discover(settings: DiscoverySettings): Promise<URL> {
  let lastError: unknown;

  for (const url of metadataUrls(settings.issuer)) {
    const startedAt = settings.clock();
    try {
      const jwksUri = await readMetadata(url, settings);
      settings.emit({ type: 'discovery', issuer: settings.issuer, url: url.href, jwksUri: jwksUri.href, durationMs: settings.clock() - startedAt });
      return jwksUri;
    } catch (error) {
      const failure = toFetchError(url, error);
      settings.emit({
        type: 'discovery_failed',
        issuer: settings.issuer,
        url: url.href,
        reason: failure.reason,
        ...(failure.status === undefined ? {} : { status: failure.status }),
        durationMs: settings.clock() - startedAt,
      });
      // A mismatching issuer or a rate limit is not a missing document: trying the other URL would not help.
      if (failure.reason === 'issuer_mismatch' || failure.reason === 'rate_limited') throw failure;
      lastError = failure;
    }
  }
  throw lastError;
}

async function readMetadata(url: URL, settings: DiscoverySettings): Promise<URL> {
  if (!settings.limiter.tryAcquire()) {
    throw new KeySourceFetchError('rate_limited', `Fetch of ${url.href} skipped: the limit of key source fetches per minute is reached`);
  }

  const { document } = await fetchDocument(url, { ...settings.fetchOptions, accept: 'application/json' });
  const metadata = typeof document === 'object' && document !== null ? (document as Record<string, unknown>) : {};

  if (metadata['issuer'] !== settings.issuer) {
    throw new KeySourceFetchError('issuer_mismatch', `Metadata at ${url.href} names another issuer than the configured ${settings.issuer}`);
  }
  if (typeof metadata['jwks_uri'] !== 'string') {
    throw new KeySourceFetchError('invalid_metadata', `Metadata at ${url.href} has no jwks_uri`);
  }

  try {
    return parseFetchableUrl('jwks_uri', metadata['jwks_uri']);
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    throw new KeySourceFetchError('invalid_metadata', `Metadata at ${url.href} has a jwks_uri that is not https`, { cause: error });
  }
}

/** Wraps any error of a fetch into a KeySourceFetchError. */
export function toFetchError(url: URL | string, error: unknown): KeySourceFetchError {
  if (error instanceof KeySourceFetchError) return error;
  return new KeySourceFetchError('network', `Request to ${String(url)} failed`, { cause: error });
}
