import { betterAuthSignOut, betterAuthTokenProvider, createClient, type LatchkeyClient } from '@latchkey/client';

/** One of the example APIs. */
export interface ApiTarget {
  name: string;
  /** Origin of the API, such as `http://127.0.0.1:4001`. */
  url: string;
}

/** Result of one API call, as the dashboard shows it. */
export interface CallResult {
  api: string;
  /** HTTP status, or 0 when no response arrived. */
  status: number;
  /** The `sub` of a 200 from `/me`. */
  subject?: string;
  /** latchkey's problem `code` of a failure, or the error name when no response arrived. */
  code?: string;
}

/**
 * Creates the client of the dashboard. Better Auth runs on the page's own origin (base URL ''),
 * and the token is sent only to the two API origins.
 */
export function createApiClient(apis: readonly ApiTarget[]): LatchkeyClient {
  return createClient({
    tokenProvider: betterAuthTokenProvider({ baseURL: '' }),
    signOut: betterAuthSignOut({ baseURL: '' }),
    origins: apis.map((api) => api.url),
  });
}

/** Calls `GET /me` on one API. Never rejects: a failure becomes a result with its status and code. */
export async function callMe(client: LatchkeyClient, api: ApiTarget): Promise<CallResult> {
  try {
    const response = await client.fetch(`${api.url}/me`);
    const body = await readJson(response);
    return { api: api.name, status: response.status, subject: stringMember(body, 'sub'), code: stringMember(body, 'code') };
  } catch (error) {
    return { api: api.name, status: 0, code: error instanceof Error ? error.name : 'Error' };
  }
}

/**
 * Revokes the client's current token at every API (`POST /revoke`), then ends the Better Auth
 * session and clears the token. Returns a message for each API that could not revoke it, in which
 * case the session is kept so the user can try again. A 401 means the token no longer works
 * anyway, so it counts as revoked.
 */
export async function revokeAndSignOut(client: LatchkeyClient, apis: readonly ApiTarget[]): Promise<string[]> {
  const outcomes = await Promise.all(apis.map((api) => revokeAt(client, api)));
  const failures = outcomes.filter((outcome): outcome is string => outcome !== undefined);
  if (failures.length > 0) return failures;

  await client.signOut();
  return [];
}

async function revokeAt(client: LatchkeyClient, api: ApiTarget): Promise<string | undefined> {
  try {
    const response = await client.fetch(`${api.url}/revoke`, { method: 'POST' });
    if (response.ok || response.status === 401) return undefined;

    const code = stringMember(await readJson(response), 'code') ?? 'no code';
    return `${api.name} responded ${response.status} (${code}) to the revocation. Press "Sign out" again.`;
  } catch (error) {
    return `${api.name} could not be reached to revoke the token: ${error instanceof Error ? error.message : String(error)}. Press "Sign out" again.`;
  }
}

async function readJson(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    return undefined;
  }
}

function stringMember(value: unknown, name: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const member = (value as Record<string, unknown>)[name];
  return typeof member === 'string' ? member : undefined;
}
