import { type LatchkeyClient, parseBearerChallenge } from '@latchkey/client';

/** What the page should do with the response of an API call made through the client. */
export type CallOutcome =
  | { kind: 'ok'; body: unknown }
  | { kind: 'sign_in' }
  | { kind: 'forbidden'; missingScope: string | undefined }
  | { kind: 'try_later'; retryAfterSeconds: number | undefined }
  | { kind: 'failed'; status: number; code: string | undefined };

/**
 * Sends a request and maps the response to an outcome. The client has already refreshed the token
 * and re-sent the request where that could help, so a 401 here means the user must sign in again.
 */
export async function callApi(client: LatchkeyClient, url: string, init?: RequestInit): Promise<CallOutcome> {
  const response = await client.fetch(url, init);
  if (response.ok) return { kind: 'ok', body: await response.json() };

  const challenge = parseBearerChallenge(response.headers.get('www-authenticate'));
  const problem = (await response.json().catch(() => ({}))) as { code?: string };

  if (response.status === 401) return { kind: 'sign_in' };
  if (response.status === 403 && challenge?.error === 'insufficient_scope') return { kind: 'forbidden', missingScope: challenge.scope };
  if (response.status === 503 && response.headers.has('retry-after')) return { kind: 'try_later', retryAfterSeconds: Number(response.headers.get('retry-after')) };
  return { kind: 'failed', status: response.status, code: problem.code };
}
