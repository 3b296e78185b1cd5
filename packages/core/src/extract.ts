import { parse as parseCookie } from 'cookie';
import { CredentialsMissingError, InvalidRequestError, InvalidTokenError } from './errors.js';

/**
 * The parts of an HTTP request that can carry a bearer token, independent of any framework.
 * Header values are given as received; several values of one header are passed as an array.
 */
export interface CredentialRequest {
  /** The `Authorization` header value, or every value when the header was sent more than once. */
  authorization?: string | readonly string[] | undefined;
  /** The `Cookie` header value or values. Read only when `cookieName` is set. */
  cookie?: string | readonly string[] | undefined;
  /** The request target (`/path?query`) or absolute URL. Read only when `queryParameter` is set. */
  url?: string | undefined;
  /** Whether the request arrived over HTTPS, as the framework determines it. Read only when `requireHttps` is set. */
  secure?: boolean | undefined;
  /** Whether the client address is a loopback address. Read only when `requireHttps` is set. */
  loopback?: boolean | undefined;
}

export interface ExtractOptions {
  cookieName: string | undefined;
  queryParameter: string | undefined;
  maxTokenLength: number;
  requireHttps?: boolean;
}

/** Location of a token: the `Authorization` header, a cookie or the query string. */
export type TokenLocation = 'header' | 'cookie' | 'query';

export interface ExtractedToken {
  token: string;
  location: TokenLocation;
}

// RFC 6750 §2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=".
// The two parts match disjoint characters, so matching is linear in the input length.
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

// RFC 9110 §5.6.2 tchar, the characters of an auth-scheme.
const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;

/**
 * Finds the one bearer token of a request. Throws CredentialsMissingError when there is none,
 * InvalidRequestError when a credential is malformed or there is more than one, and
 * InvalidTokenError when the token is longer than `maxTokenLength`.
 */
export function extractToken(request: CredentialRequest, options: ExtractOptions): ExtractedToken {
  const found: ExtractedToken[] = [];

  const headerToken = tokenFromAuthorization(request.authorization);
  if (headerToken !== undefined) found.push({ token: headerToken, location: 'header' });

  if (options.cookieName !== undefined) {
    const cookieToken = tokenFromCookie(request.cookie, options.cookieName);
    if (cookieToken !== undefined) found.push({ token: cookieToken, location: 'cookie' });
  }

  if (options.queryParameter !== undefined) {
    const queryToken = tokenFromQuery(request.url, options.queryParameter);
    if (queryToken !== undefined) found.push({ token: queryToken, location: 'query' });
  }

  const [first, ...others] = found;
  if (first === undefined) throw new CredentialsMissingError();
  if (others.length > 0) throw multipleCredentials();

  checkLength(first.token, options.maxTokenLength);
  if (options.requireHttps === true && request.secure !== true && request.loopback !== true) {
    throw new InvalidRequestError('credentials_insecure', { description: 'Bearer tokens must be sent over HTTPS' });
  }
  return first;
}

/** Tells whether an IP address, as Node reports it, is a loopback address: 127.0.0.0/8 or ::1. */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (address === undefined) return false;

  const ipv4 = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  return ipv4.startsWith('127.') || address === '::1';
}

function tokenFromAuthorization(value: string | readonly string[] | undefined): string | undefined {
  const values = toList(value);
  if (values.length > 1) throw multipleCredentials();

  const [header] = values;
  return header === undefined ? undefined : parseAuthorization(header);
}

/**
 * Parses one `Authorization` value in a single pass. Returns the token for the Bearer scheme,
 * undefined for an empty value or another scheme, and throws for a malformed Bearer credential.
 */
export function parseAuthorization(header: string): string | undefined {
  const value = trimWhitespace(header);
  if (value === '') return undefined;

  let schemeEnd = 0;
  while (schemeEnd < value.length && TCHAR.test(value.charAt(schemeEnd))) schemeEnd++;
  if (value.slice(0, schemeEnd).toLowerCase() !== 'bearer') return undefined;

  if (schemeEnd === value.length) {
    throw malformed('The Authorization header has no token after Bearer');
  }
  if (value.charAt(schemeEnd) !== ' ') {
    throw malformed('The Authorization header must separate Bearer and the token with a space');
  }

  let tokenStart = schemeEnd;
  while (value.charAt(tokenStart) === ' ') tokenStart++;
  const token = value.slice(tokenStart);

  if (!B64TOKEN.test(token)) {
    throw malformed('The Authorization header must contain exactly one token after Bearer');
  }
  return token;
}

function tokenFromCookie(header: string | readonly string[] | undefined, name: string): string | undefined {
  const values: string[] = [];
  for (const line of toList(header)) {
    // The parser keeps only the first cookie of a name, so each pair is parsed on its own to see repeats.
    for (const pair of line.split(';')) {
      const value = parseCookie(pair)[name];
      if (value !== undefined && value !== '') values.push(value);
    }
  }

  if (values.length > 1) throw multipleCredentials();
  const [token] = values;
  if (token !== undefined && !B64TOKEN.test(token)) {
    throw malformed(`The ${name} cookie does not contain a valid token`);
  }
  return token;
}

function tokenFromQuery(url: string | undefined, parameter: string): string | undefined {
  if (url === undefined) return undefined;

  const queryStart = url.indexOf('?');
  if (queryStart === -1) return undefined;

  const values = new URLSearchParams(url.slice(queryStart + 1).split('#')[0]).getAll(parameter);
  if (values.length > 1) throw multipleCredentials();
  const [token] = values;
  if (token !== undefined && !B64TOKEN.test(token)) {
    throw malformed(`The ${parameter} query parameter does not contain a valid token`);
  }
  return token;
}

function checkLength(token: string, maxTokenLength: number): void {
  if (token.length > maxTokenLength) {
    throw new InvalidTokenError('token_too_large', { description: `The token is longer than ${maxTokenLength} characters` });
  }
}

function trimWhitespace(value: string): string {
  let start = 0;
  let end = value.length;
  while (start < end && isWhitespace(value.charCodeAt(start))) start++;
  while (end > start && isWhitespace(value.charCodeAt(end - 1))) end--;
  return value.slice(start, end);
}

function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

function toList(value: string | readonly string[] | undefined): readonly string[] {
  if (value === undefined) return [];
  return typeof value === 'string' ? [value] : value;
}

function malformed(description: string): InvalidRequestError {
  return new InvalidRequestError('credentials_malformed', { description });
}

function multipleCredentials(): InvalidRequestError {
  return new InvalidRequestError('credentials_multiple', { description: 'The request carries more than one token; send exactly one' });
}
