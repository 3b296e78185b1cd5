import { AuthEndpointError } from './errors.js';
import type { TokenProvider } from './types.js';

/** Location of the Better Auth server and the fetch that reaches it. */
export interface BetterAuthOptions {
  /**
   * Origin of the Better Auth server, such as `https://auth.example.com`. An empty string means
   * the page's own origin, which only works in browsers.
   */
  baseURL: string;
  /** Path of Better Auth's handler, as its `basePath` option. Default `/api/auth`. */
  basePath?: string;
  /** Default: the global `fetch`. */
  fetch?: typeof fetch;
}

/**
 * Creates a token provider for Better Auth's `jwt` plugin: `GET {baseURL}/api/auth/token` with the
 * session cookie. Better Auth responds with `{"token": "..."}` and no lifetime, so the client reads
 * `exp` and `iat` from the token. A 401 or 403 means no session and resolves to null; any other
 * failure rejects with an AuthEndpointError, and the client retries with back-off.
 */
export function betterAuthTokenProvider(options: BetterAuthOptions): TokenProvider {
  const url = endpointUrl(options, 'token');
  const send = fetchOf(options);

  return async () => {
    const response = await send(url, { method: 'GET', credentials: 'include', cache: 'no-store', headers: { accept: 'application/json' } });
    if (response.status === 401 || response.status === 403) {
      await response.body?.cancel();
      return null;
    }

    if (!response.ok) {
      await response.body?.cancel();
      throw new AuthEndpointError(url, response.status, `responded with status ${response.status}. The client retries with back-off; if this persists, check the Better Auth server's logs.`);
    }

    return { token: await readToken(response, url) };
  };
}

/**
 * Creates the `signOut` option for Better Auth: `POST {baseURL}/api/auth/sign-out` with the session
 * cookie. Rejects with an AuthEndpointError when the server responds with an error status.
 */
export function betterAuthSignOut(options: BetterAuthOptions): () => Promise<void> {
  const url = endpointUrl(options, 'sign-out');
  const send = fetchOf(options);

  return async () => {
    const response = await send(url, {
      method: 'POST',
      credentials: 'include',
      headers: { accept: 'application/json', 'content-type': 'application/json' },
      body: '{}',
    });
    await response.body?.cancel();

    if (!response.ok) {
      throw new AuthEndpointError(url, response.status, `responded to the sign-out request with status ${response.status}. Call signOut() again.`);
    }
  };
}

async function readToken(response: Response, url: string): Promise<string> {
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }

  const token = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['token'] : undefined;
  if (typeof token !== 'string' || token === '') {
    throw new AuthEndpointError(url, response.status, 'responded without a "token" string in a JSON body. Check that the Better Auth jwt plugin is enabled.');
  }
  return token;
}

function endpointUrl(options: BetterAuthOptions, endpoint: string): string {
  if (typeof options?.baseURL !== 'string') {
    throw new TypeError('Better Auth option baseURL must be a string such as "https://auth.example.com", or "" for the page\'s own origin.');
  }

  const basePath = options.basePath ?? '/api/auth';
  if (typeof basePath !== 'string' || !basePath.startsWith('/')) {
    throw new TypeError(`Better Auth option basePath must start with "/", not ${JSON.stringify(basePath)}. Leave it out to use "/api/auth".`);
  }

  return `${options.baseURL.replace(/\/+$/, '')}${basePath.replace(/\/+$/, '')}/${endpoint}`;
}

function fetchOf(options: BetterAuthOptions): typeof fetch {
  return options.fetch ?? ((input, init) => globalThis.fetch(input, init));
}
