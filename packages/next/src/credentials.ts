import type { CredentialRequest } from '@latchkey/core';
import { parse as parseCookie } from 'cookie';
import type { HeaderReader } from './request-kind.js';

/** The credential-carrying parts of a request, read from Fetch API headers. */
export interface RequestCredentials {
  /** The request as core reads it. */
  credentials: CredentialRequest;
  /** Names of leftover cookies `<name>.0`, `<name>.1`, … that chunking cookie writers leave behind. */
  strayChunks: readonly string[];
}

// A comma followed by another auth-scheme and a space starts a second credential. Fetch's
// Headers joins repeated fields with ", ", and a b64token never contains a comma or a space.
const SECOND_CREDENTIAL = /,\s*(?=[!#$%&'*+\-.^_`|~0-9A-Za-z]+ )/;

/**
 * Reads the `Authorization` and `Cookie` headers for core.
 *
 * - `Headers` joins two `Authorization` lines into one value; such a value is split again, so
 *   core returns `credentials_multiple` as it does for Node's separate lines.
 * - When the cookie holds exactly the token that the `Authorization` header carries, only the
 *   header is used: it is the same credential sent twice, not two credentials.
 */
export function readCredentials(headers: HeaderReader, cookieName: string | undefined): RequestCredentials {
  const authorization = splitAuthorization(headers.get('authorization'));
  const cookie = headers.get('cookie') ?? undefined;

  if (cookieName === undefined || cookie === undefined) {
    return { credentials: { authorization }, strayChunks: [] };
  }

  const cookieValues = cookieValuesOf(cookie, cookieName);
  const strayChunks = chunkNamesOf(cookie, cookieName);
  const sameToken = typeof authorization === 'string' && cookieValues.length === 1 && bearerToken(authorization) === cookieValues[0];

  return { credentials: sameToken ? { authorization } : { authorization, cookie }, strayChunks };
}

function splitAuthorization(value: string | null): string | string[] | undefined {
  if (value === null) return undefined;
  const parts = value.split(SECOND_CREDENTIAL);
  return parts.length > 1 ? parts : value;
}

function bearerToken(authorization: string): string | undefined {
  const match = /^\s*bearer +(\S+)\s*$/i.exec(authorization);
  return match?.[1];
}

function cookieValuesOf(header: string, name: string): string[] {
  return header
    .split(';')
    .map((pair) => parseCookie(pair)[name])
    .filter((value): value is string => value !== undefined && value !== '');
}

function chunkNamesOf(header: string, name: string): string[] {
  const names = new Set<string>();
  for (const pair of header.split(';')) {
    const cookieName = pair.slice(0, pair.indexOf('=') === -1 ? undefined : pair.indexOf('=')).trim();
    if (cookieName.startsWith(`${name}.`) && /^\d+$/.test(cookieName.slice(name.length + 1))) names.add(cookieName);
  }
  return [...names];
}
