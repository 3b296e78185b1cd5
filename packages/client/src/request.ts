/** A request that can be sent once per attempt, each time with the token of that attempt. */
export interface PreparedRequest {
  readonly url: string;
  readonly signal: AbortSignal;
  /** Whether the body can be sent again byte for byte. A streamed body cannot. */
  readonly replayable: boolean;
  /** Builds the request for one attempt, with `Authorization: Bearer <token>` when a token is given. */
  build(token: string | undefined): Request;
}

/**
 * Prepares `template` for sending. A body given as a string, ArrayBuffer, typed array, Blob,
 * FormData or URLSearchParams, or inside a Request, is read into memory once, so every attempt
 * sends the same bytes with the same `Content-Type` (and so the same multipart boundary).
 * A ReadableStream or async iterable passed as `init.body` is streamed once and never re-sent.
 */
export async function prepareRequest(template: Request, initBody: unknown): Promise<PreparedRequest> {
  const base = { url: template.url, signal: template.signal };

  if (isStreamBody(initBody)) {
    let sent = false;
    return {
      ...base,
      replayable: false,
      build: (token) => {
        if (sent) throw new Error(`The streamed body of ${template.url} was already sent. Build the request again to send it again.`);
        sent = true;
        return new Request(template, { headers: withToken(template.headers, token) });
      },
    };
  }

  const body = template.body === null ? null : await template.arrayBuffer();

  return {
    ...base,
    replayable: true,
    build: (token) => {
      const headers = withToken(template.headers, token);
      return body === null ? new Request(template, { headers }) : new Request(template, { headers, body });
    },
  };
}

function withToken(source: Headers, token: string | undefined): Headers {
  const headers = new Headers(source);
  if (token !== undefined) headers.set('authorization', `Bearer ${token}`);
  return headers;
}

function isStreamBody(body: unknown): boolean {
  if (typeof body !== 'object' || body === null) return false;
  if (typeof ReadableStream !== 'undefined' && body instanceof ReadableStream) return true;

  // Node's fetch also streams async iterables of bytes.
  return Symbol.asyncIterator in body;
}
