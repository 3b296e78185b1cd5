/** The client needed a new token and every token request failed. The session is kept. */
export class TokenRefreshError extends Error {
  override readonly name = 'TokenRefreshError';
  /** Token requests made by the failed refresh. */
  readonly attempts: number;

  constructor(attempts: number, cause: unknown) {
    super(
      `Token refresh failed after ${attempts} token request(s): ${describe(cause)}. ` +
        'The session is kept, so send the request again later; the client waits between token requests.',
      { cause },
    );
    this.attempts = attempts;
  }
}

/**
 * The API responded 401 and the client now has a token to retry with, but the request body is a
 * stream that was already sent and cannot be sent again. Build the request again and send it.
 */
export class NotReplayableError extends Error {
  override readonly name = 'NotReplayableError';
  /** The API's 401 response. */
  readonly response: Response;

  constructor(response: Response) {
    super(
      `${response.url || 'The request'} got a 401 response, and its body is a ReadableStream that was already sent, ` +
        'so it was not sent again. The client now holds a new token: build the body again and call fetch again, ' +
        'or pass a string, ArrayBuffer, Blob, FormData or URLSearchParams body, which the client re-sends itself.',
    );
    this.response = response;
  }
}

/** The local session was cleared, but the `signOut` option failed, so the server-side session may remain. */
export class SignOutError extends Error {
  override readonly name = 'SignOutError';

  constructor(cause: unknown) {
    super(`The token was cleared, but the sign-out endpoint failed: ${describe(cause)}. Call signOut() again to end the server-side session.`, {
      cause,
    });
  }
}

/** An auth server endpoint (token or sign-out) responded with an unexpected status or body. */
export class AuthEndpointError extends Error {
  override readonly name = 'AuthEndpointError';
  readonly url: string;
  /** HTTP status of the response. */
  readonly status: number;

  constructor(url: string, status: number, problem: string) {
    super(`${url} ${problem}`);
    this.url = url;
    this.status = status;
  }
}

function describe(cause: unknown): string {
  if (cause instanceof Error) return cause.message;
  return String(cause);
}
