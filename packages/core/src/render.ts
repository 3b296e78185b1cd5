import type { InsufficientScopeError, LatchkeyError, ServiceUnavailableError } from './errors.js';
import { toSafeDescription } from './text.js';

/** An HTTP response for a failure, ready for an adapter to copy byte for byte. */
export interface RenderedFailure {
  status: number;
  /** Header names are lower case. */
  headers: Readonly<Record<string, string>>;
  /** The `application/problem+json` body as a string, so every adapter sends the same bytes. */
  body: string;
}

export interface RenderOptions {
  /** The `realm` of the Bearer challenge. Default `"api"`. */
  realm?: string;
}

const STATUS_TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  503: 'Service Unavailable',
};

/**
 * Turns a failure into its response: the status, a `WWW-Authenticate` challenge (RFC 6750 §3),
 * `Retry-After` for an unavailable key source, `Cache-Control: no-store`, and an RFC 9457
 * problem body that carries the stable `code` and the RFC 6750 `error`.
 */
export function renderFailure(failure: LatchkeyError, options: RenderOptions = {}): RenderedFailure {
  const realm = options.realm ?? 'api';
  const description = toSafeDescription(failure.description);

  const headers: Record<string, string> = {
    'content-type': 'application/problem+json',
    'cache-control': 'no-store',
  };
  const challenge = buildChallenge(failure, realm, description);
  if (challenge !== undefined) headers['www-authenticate'] = challenge;
  const retryAfter = (failure as Partial<ServiceUnavailableError>).retryAfter;
  if (failure.status === 503 && typeof retryAfter === 'number') headers['retry-after'] = String(retryAfter);

  const problem = {
    type: 'about:blank',
    title: STATUS_TITLES[failure.status] ?? 'Error',
    status: failure.status,
    detail: description,
    code: failure.code,
    ...(failure.bearerError === undefined ? {} : { error: failure.bearerError }),
  };

  return { status: failure.status, headers, body: JSON.stringify(problem) };
}

function buildChallenge(failure: LatchkeyError, realm: string, description: string): string | undefined {
  if (failure.status === 503) return undefined;

  const realmParameter = `Bearer realm="${toSafeDescription(realm)}"`;
  if (failure.bearerError === undefined) return realmParameter;

  const parameters = [realmParameter, `error="${failure.bearerError}"`, `error_description="${description}"`];
  const requiredScopes = (failure as Partial<InsufficientScopeError>).requiredScopes;
  if (failure.status === 403 && Array.isArray(requiredScopes) && requiredScopes.length > 0) {
    parameters.push(`scope="${requiredScopes.join(' ')}"`);
  }
  return parameters.join(', ');
}
