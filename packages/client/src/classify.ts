import { parseBearerChallenge } from './challenge.js';

/** Category of an API response, which decides about the token and a re-send. */
export type ResponseKind =
  /** 401 `invalid_token`: the token is the problem, so a new token may help. */
  | { kind: 'token_rejected' }
  /** 401 with a bare challenge or none: the API saw no usable credentials. */
  | { kind: 'credentials_requested' }
  /** 503 from the authentication layer before any handler ran, with the wait it asked for. */
  | { kind: 'auth_outage'; retryAfterMs: number | undefined }
  /** 2xx, or 403 `insufficient_scope`: the API accepted the token. */
  | { kind: 'token_accepted' }
  /** Any other response, which the caller receives unchanged. */
  | { kind: 'final' };

/**
 * Problem codes of latchkey's 503 responses that the authentication layer sends before the
 * request handler runs, so the request was not applied and re-sending it is safe.
 */
const authOutageCodes = new Set(['key_source_unavailable', 'revocation_unavailable']);

// Problem bodies are a few hundred bytes, so a larger body is not one and is not read.
const maxProblemBodyLength = 16_384;

/**
 * Classifies a response. The `WWW-Authenticate` challenge decides a 401 or 403; the
 * `application/problem+json` body's `error` is only read when the challenge has no `error`.
 * Reads the body of a 401, 403 or 503 from a clone, so the caller can still read it.
 */
export async function classifyResponse(response: Response, now: number): Promise<ResponseKind> {
  if (response.ok) return { kind: 'token_accepted' };

  if (response.status === 401) return classifyUnauthorized(response);

  if (response.status === 403) {
    const error = await bearerErrorOf(response);
    return error === 'insufficient_scope' ? { kind: 'token_accepted' } : { kind: 'final' };
  }

  if (response.status === 503) {
    const problem = await readProblem(response);
    if (typeof problem?.['code'] !== 'string' || !authOutageCodes.has(problem['code'])) return { kind: 'final' };
    return { kind: 'auth_outage', retryAfterMs: retryAfterMs(response, now) };
  }

  return { kind: 'final' };
}

async function classifyUnauthorized(response: Response): Promise<ResponseKind> {
  const error = await bearerErrorOf(response);

  if (error === undefined) return { kind: 'credentials_requested' };
  if (error === 'invalid_token') return { kind: 'token_rejected' };
  return { kind: 'final' };
}

/** Returns the challenge's `error`, or else the problem body's `error`. */
async function bearerErrorOf(response: Response): Promise<string | undefined> {
  const challenge = parseBearerChallenge(response.headers.get('www-authenticate'));
  if (challenge?.error !== undefined) return challenge.error;

  const problem = await readProblem(response);
  const error = problem?.['error'];
  return typeof error === 'string' ? error : undefined;
}

async function readProblem(response: Response): Promise<Record<string, unknown> | undefined> {
  const contentType = response.headers.get('content-type') ?? '';
  if (!/^application\/(problem\+)?json\b/i.test(contentType)) return undefined;

  const declaredLength = Number(response.headers.get('content-length') ?? 0);
  if (declaredLength > maxProblemBodyLength) return undefined;

  try {
    const text = await response.clone().text();
    if (text.length > maxProblemBodyLength) return undefined;

    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    // A body that is not JSON, or a connection that broke while reading it, means no problem details.
    return undefined;
  }
}

/**
 * Reads `Retry-After` (RFC 9110 §10.2.3) as milliseconds from now. An HTTP date is measured from
 * the response's `Date` header when present, so the client's clock skew does not change the wait.
 */
export function retryAfterMs(response: Response, now: number): number | undefined {
  const value = response.headers.get('retry-after')?.trim();
  if (value === undefined || value === '') return undefined;

  if (/^\d+$/.test(value)) return Number(value) * 1000;

  // Every HTTP-date form starts with the day name. Date.parse alone would also take "-1" or "1.5".
  if (!/^[A-Za-z]{3}/.test(value)) return undefined;

  const retryAt = Date.parse(value);
  if (Number.isNaN(retryAt)) return undefined;

  const serverDate = Date.parse(response.headers.get('date') ?? '');
  const reference = Number.isNaN(serverDate) ? now : serverDate;
  return Math.max(0, retryAt - reference);
}
