/** An access token, alone or with its remaining lifetime in seconds (`expires_in` of RFC 6749). */
export type AccessToken = string | { token: string; expiresIn?: number };

/** Result of a token provider: a token, or null when the user has no session. */
export type TokenResult = AccessToken | null;

/**
 * Obtains a new access token. It resolves to null when the user is signed out (for example when
 * the token endpoint responds 401 or 403) and rejects when the token could not be obtained right
 * now, which makes the client retry with back-off.
 */
export type TokenProvider = () => Promise<TokenResult>;

/**
 * Client state:
 * - `signed_out`: no token, and none is requested until a sign-in, unless the provider has not
 *   been asked yet;
 * - `authenticated`: a token is held and within its lifetime;
 * - `refreshing`: a new token is being requested, including back-off waits;
 * - `expired`: the token has passed its lifetime or was rejected, and no new one is held yet;
 * - `error`: the API rejected a token that had just replaced a rejected token, or the token
 *   endpoint kept failing while no token was held.
 */
export type ClientState = 'signed_out' | 'authenticated' | 'refreshing' | 'expired' | 'error';

/** One state change. Listeners never receive a change whose two states are equal. */
export interface StateChange {
  previous: ClientState;
  current: ClientState;
}

/** Time source and timers of the client. Tests pass a manual clock. */
export interface Clock {
  /** Current time in milliseconds since the Unix epoch. */
  now(): number;
  /**
   * Calls `callback` once after `delayMs` milliseconds, and returns a function that cancels the
   * call. A `background` timer only updates the state, so it need not keep a process alive.
   */
  setTimer(callback: () => void, delayMs: number, options?: { background?: boolean }): () => void;
}

/**
 * The part of the Web Locks API (`navigator.locks`) that the client uses to let one tab at a time
 * refresh. With `ifAvailable: true`, the callback receives null when another holder has the lock.
 */
export interface LockManagerLike {
  request<T>(name: string, options: { ifAvailable?: boolean }, callback: (lock: unknown) => Promise<T>): Promise<T>;
}

/** The part of `BroadcastChannel` that the client uses to share tokens and sign-outs between tabs. */
export interface TokenChannel {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  removeEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
}

/** Options of `createClient`. Durations are in milliseconds. */
export interface ClientOptions {
  /** Obtains access tokens, for example `betterAuthTokenProvider({ baseURL })`. */
  tokenProvider: TokenProvider;
  /** Ends the server-side session, for example `betterAuthSignOut({ baseURL })`. Called by `signOut()`. */
  signOut?: () => Promise<void>;
  /** The fetch used for API requests. Default: the global `fetch`. */
  fetch?: typeof fetch;
  /** Default: `Date.now` and `setTimeout`. */
  clock?: Clock;
  /**
   * Lock that lets one tab at a time refresh. Default: `navigator.locks` in a browser document,
   * otherwise none. Pass null to turn it off.
   */
  lock?: LockManagerLike | null;
  /**
   * Channel that shares new tokens and sign-outs with other tabs. Default: a `BroadcastChannel`
   * named after `tabSyncName` in a browser document, otherwise none. Pass null to turn it off.
   */
  channel?: TokenChannel | null;
  /** Name of the lock and of the default channel. Give each signed-in app on one origin its own. Default `latchkey-client`. */
  tabSyncName?: string;
  /** How long a tab that waited for another tab's refresh waits for that tab's message. Default 1000. */
  tabSyncTimeoutMs?: number;
  /**
   * Origins (`https://api.example.com`) that receive the token. Requests to other origins are sent
   * unchanged. Default: every request receives the token.
   */
  origins?: readonly string[];
  /** Token requests per refresh before the refresh fails. Default 4. */
  refreshAttempts?: number;
  /** Wait after the first failed token request, doubled after each further failure. Default 1000. */
  refreshBackoffMs?: number;
  /** Maximum wait between token requests. Default 30000. */
  maxRefreshBackoffMs?: number;
  /** Maximum `Retry-After` that the client waits out before re-sending after an authentication outage. Default 30000. */
  maxRetryAfterMs?: number;
  /**
   * How long the client makes no refresh and no retry after the API rejected a token that had
   * just replaced a rejected one. Default 30000.
   */
  rejectionCooldownMs?: number;
}

/** A fetch wrapper that authenticates requests with a bearer token and keeps the token fresh. */
export interface LatchkeyClient {
  /**
   * Sends a request with `Authorization: Bearer <token>`, which replaces an `Authorization`
   * header of the request. Without a token the request is sent unchanged.
   */
  fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>;
  /**
   * Resolves to a usable token, refreshing it first when needed, or to null when signed out.
   * Rejects with a TokenRefreshError when a needed token could not be obtained.
   */
  getToken(): Promise<string | null>;
  /**
   * Starts a new session, which ends a rejection cooldown: with a token, uses it, and without one,
   * requests a token from the provider. Rejects with a TypeError for a malformed token, and with a
   * TokenRefreshError when the provider keeps failing.
   */
  signIn(token?: AccessToken): Promise<void>;
  /** Clears the token, notifies other tabs, and calls the `signOut` option. */
  signOut(): Promise<void>;
  readonly state: ClientState;
  /** Calls `listener` on every state change, and returns a function that removes it. */
  subscribe(listener: (change: StateChange) => void): () => void;
  /** Stops timers and closes the channel that the client created. The client stays usable without them. */
  dispose(): void;
}
