import type { FetchFailureReason } from '../events.js';

/** A failed key set or metadata fetch, with the reason reported in events. */
export class KeySourceFetchError extends Error {
  readonly reason: FetchFailureReason;
  readonly status: number | undefined;

  constructor(reason: FetchFailureReason, message: string, options: { status?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'KeySourceFetchError';
    this.reason = reason;
    this.status = options.status;
  }
}

export interface FetchDocumentOptions {
  fetch: typeof fetch;
  /** Time limit of the whole exchange in milliseconds. */
  timeout: number;
  maxResponseBytes: number;
  accept: string;
}

/** A JSON document and the response headers that came with it. */
export interface FetchedDocument {
  document: unknown;
  headers: Headers;
}

/**
 * Fetches a JSON document. Redirects are not followed, the whole exchange has a time limit,
 * and the body is read up to a size limit, so a misbehaving endpoint cannot hold a request.
 */
export async function fetchDocument(url: URL, options: FetchDocumentOptions): Promise<FetchedDocument> {
  const signal = AbortSignal.timeout(options.timeout);

  let response: Response;
  try {
    response = await options.fetch(url, { method: 'GET', redirect: 'manual', signal, headers: { accept: options.accept } });
  } catch (error) {
    throw networkError(url, signal, error);
  }

  if (response.status !== 200) {
    await response.body?.cancel().catch(() => undefined);
    throw new KeySourceFetchError('status', `${url.href} returned HTTP ${response.status}`, { status: response.status });
  }

  const text = await readLimited(url, response, options.maxResponseBytes, signal);
  try {
    return { document: JSON.parse(text), headers: response.headers };
  } catch (error) {
    throw new KeySourceFetchError('not_json', `${url.href} returned a body that is not JSON`, { cause: error });
  }
}

function networkError(url: URL, signal: AbortSignal, error: unknown): KeySourceFetchError {
  if (signal.aborted) return new KeySourceFetchError('timeout', `Request to ${url.href} timed out`, { cause: error });
  return new KeySourceFetchError('network', `Request to ${url.href} failed`, { cause: error });
}

async function readLimited(url: URL, response: Response, limit: number, signal: AbortSignal): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge(url, limit);
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
        throw tooLarge(url, limit);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof KeySourceFetchError) throw error;
    throw networkError(url, signal, error);
  }
  return new TextDecoder().decode(concat(chunks, total));
}

function tooLarge(url: URL, limit: number): KeySourceFetchError {
  return new KeySourceFetchError('too_large', `Response from ${url.href} is larger than the ${limit} bytes allowed`);
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
