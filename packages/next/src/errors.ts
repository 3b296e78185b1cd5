/**
 * A token cookie that browsers would drop without any error: its `Set-Cookie` value (name, value
 * and attributes) is longer than `limit` bytes. Nothing was written; keep the token out of the
 * cookie, for example in memory for the `Authorization` header, or issue a smaller token.
 */
export class CookieTooLargeError extends Error {
  readonly code = 'cookie_too_large';
  /** Bytes the `Set-Cookie` value would have had. */
  readonly bytes: number;
  /** The largest allowed size in bytes. */
  readonly limit: number;

  constructor(name: string, bytes: number, limit: number) {
    super(
      `latchkey: the ${name} cookie would be ${bytes} bytes with its attributes, over the limit of ${limit} bytes, so browsers would drop it. ` +
        'The cookie was not written: send this token in the Authorization header instead, or issue tokens with fewer claims.',
    );
    this.name = 'CookieTooLargeError';
    this.bytes = bytes;
    this.limit = limit;
  }
}

/**
 * An unsafe request (POST, PUT, PATCH, DELETE, …) that carries its token in a cookie but cannot
 * prove it comes from the application's own origin. It is sent as 403 with the code `cross_site_request`.
 */
export class CrossSiteRequestError extends Error {
  readonly code = 'cross_site_request';
  readonly status = 403;
  /** Safe to send to the client. */
  readonly description: string;

  constructor(description: string) {
    super(description);
    this.name = 'CrossSiteRequestError';
    this.description = description;
  }
}
