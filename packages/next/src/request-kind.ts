/** Read access to request headers: Fetch's `Headers`, or the read-only headers of `next/headers`. */
export type HeaderReader = Pick<Headers, 'get' | 'has'>;

/**
 * Request headers the Next.js client sends on server actions, RSC payload fetches and prefetches.
 * Next.js removes some of them before the proxy runs, so their absence proves nothing, but their
 * presence always means "not a document".
 */
const NEXT_TRANSPORT_HEADERS = ['rsc', 'next-action', 'next-router-prefetch', 'next-router-segment-prefetch', 'next-router-state-tree', 'next-url'];

/** `Sec-Fetch-Dest` values of a navigation that renders a whole document. */
const DOCUMENT_DESTINATIONS = new Set(['document', 'iframe', 'frame']);

/**
 * Tells whether a request is a browser navigation that expects an HTML document, the only kind
 * of request that may be redirected to a sign-in page. A fetch, a form post, a server action or
 * an RSC request gets a status code it can act on instead, because a redirect would be followed
 * silently, replayed with its body (307) or cached by the client router.
 *
 * It is a GET or HEAD without Next.js transport headers, and either Fetch Metadata marks it as a
 * navigation, or (for clients that send no Fetch Metadata) `Accept` names `text/html`.
 */
export function isDocumentRequest(method: string, headers: HeaderReader): boolean {
  if (method !== 'GET' && method !== 'HEAD') return false;
  if (NEXT_TRANSPORT_HEADERS.some((name) => headers.has(name))) return false;

  const mode = headers.get('sec-fetch-mode');
  if (mode !== null) return mode === 'navigate';

  const destination = headers.get('sec-fetch-dest');
  if (destination !== null) return DOCUMENT_DESTINATIONS.has(destination);

  return /(^|,)\s*text\/html\s*(;|,|$)/i.test(headers.get('accept') ?? '');
}

/** Methods that must not change state (RFC 9110 §9.2.1), so a cross-site request with them is harmless. */
export function isSafeMethod(method: string): boolean {
  return method === 'GET' || method === 'HEAD' || method === 'OPTIONS';
}
