import { classifyResponse } from './classify.js';
import { sleep } from './clock.js';
import { NotReplayableError } from './errors.js';
import type { PreparedRequest } from './request.js';
import type { TokenSession } from './session.js';
import type { Settings } from './settings.js';

/**
 * Sends a request with the session's token and re-sends it at most once per cause:
 * - after a 401, with a token other than the rejected one (a new one, or the one that replaced it
 *   meanwhile), or after a bare 401 with the token the client holds;
 * - after a 503 of the authentication layer, once its `Retry-After` has passed.
 *
 * A 403, any other 503, any other status and network errors reach the caller without a re-send.
 */
export async function sendWithToken(request: PreparedRequest, session: TokenSession, settings: Settings): Promise<Response> {
  let token = await session.tokenForRequest();
  let response = await settings.fetch(request.build(token));
  let retriedForToken = false;
  let retriedForOutage = false;

  for (;;) {
    const verdict = await classifyResponse(response, settings.clock.now());

    if (verdict.kind === 'token_accepted') {
      if (token !== undefined) session.markAccepted(token);
      return response;
    }

    if (verdict.kind === 'token_rejected' || verdict.kind === 'credentials_requested') {
      if (retriedForToken) {
        if (verdict.kind === 'token_rejected' && token !== undefined) session.recordRejection(token);
        return response;
      }

      // A bare challenge, or invalid_token to a request sent without a token, calls for the held token.
      const rejected = verdict.kind === 'token_rejected' ? token : undefined;
      const retryToken = rejected === undefined ? await session.tokenForRequest() : await session.tokenAfterRejection(rejected);
      if (retryToken === undefined) return response;
      if (!request.replayable) throw new NotReplayableError(response);

      retriedForToken = true;
      token = retryToken;
      response = await resend(request, response, token, settings);
      continue;
    }

    if (verdict.kind === 'auth_outage' && !retriedForOutage && request.replayable) {
      const wait = verdict.retryAfterMs;
      if (wait === undefined || wait > settings.maxRetryAfterMs) return response;

      retriedForOutage = true;
      await discard(response);
      await sleep(settings.clock, wait, request.signal);

      token = await session.tokenForRequest();
      response = await settings.fetch(request.build(token));
      continue;
    }

    return response;
  }
}

async function resend(request: PreparedRequest, previous: Response, token: string, settings: Settings): Promise<Response> {
  await discard(previous);
  return settings.fetch(request.build(token));
}

/** Cancels the body of a response that the caller will not see, which frees its connection. */
async function discard(response: Response): Promise<void> {
  try {
    await response.body?.cancel();
  } catch {
    // The body was already closed or errored, so there is nothing to free.
  }
}
