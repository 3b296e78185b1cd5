import type { FetchFailureReason } from '../events.js';

/** A failed key set fetch, with the reason reported in events. */
export class JwksFetchError extends Error {
  readonly reason: FetchFailureReason;
  readonly status: number | undefined;

  constructor(reason: FetchFailureReason, message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'JwksFetchError';
    this.reason = reason;
    this.status = options.status;
  }
}

export interface FetchJwksOptions {
  fetch: typeof fetch;
  timeout: number;
  maxResponseBytes: number;
}

/**
 * Fetches a JWK Set document. Redirects are not followed, the whole exchange has a time limit,
 * and the body is read up to a size limit, so a misbehaving endpoint cannot hold a request.
 */
export async function fetchJwks(url: URL, options: FetchJwksOptions): Promise<{ keys: unknown[] }> {
  const signal = AbortSignal.timeout(options.timeout);

  let response: Response;
  try {
    response = await options.fetch(url, {
      method: 'GET',
      redirect: 'manual',
      signal,
      headers: { accept: 'application/jwk-set+json, application/json;q=0.9' },
    });
  } catch (error) {
    throw networkError(url, signal, error);
  }

  if (response.status !== 200) {
    await response.body?.cancel().catch(() => undefined);
    throw new JwksFetchError('status', `JWKS endpoint ${url.href} answered HTTP ${response.status}`, { status: response.status });
  }

  const text = await readLimited(url, response, options.maxResponseBytes, signal);
  return parseKeySet(url, text);
}

function networkError(url: URL, signal: AbortSignal, error: unknown): JwksFetchError {
  if (signal.aborted) return new JwksFetchError('timeout', `JWKS request to ${url.href} timed out`, { cause: error });
  return new JwksFetchError('network', `JWKS request to ${url.href} failed`, { cause: error });
}

async function readLimited(url: URL, response: Response, limit: number, signal: AbortSignal): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) {
    await response.body?.cancel().catch(() => undefined);
    throw new JwksFetchError('too_large', `JWKS response from ${url.href} declares ${declared} bytes, more than the ${limit} allowed`);
  }
  if (response.body === null) return '';

  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > limit) {
        await reader.cancel().catch(() => undefined);
        throw new JwksFetchError('too_large', `JWKS response from ${url.href} is larger than the ${limit} bytes allowed`);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof JwksFetchError) throw error;
    throw networkError(url, signal, error);
  }
  return new TextDecoder().decode(concat(chunks, total));
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

function parseKeySet(url: URL, text: string): { keys: unknown[] } {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new JwksFetchError('not_json', `JWKS response from ${url.href} is not JSON`, { cause: error });
  }

  const keys = typeof document === 'object' && document !== null ? (document as { keys?: unknown }).keys : undefined;
  if (!Array.isArray(keys)) {
    throw new JwksFetchError('invalid_key_set', `JWKS response from ${url.href} has no "keys" array`);
  }
  return { keys };
}
