import { SignOutError } from './errors.js';
import { prepareRequest } from './request.js';
import { sendWithToken } from './send.js';
import { TokenSession } from './session.js';
import { receivesToken, resolveSettings } from './settings.js';
import type { ClientOptions, LatchkeyClient } from './types.js';

/**
 * Creates a client that sends API requests with a bearer token from `tokenProvider`. It refreshes
 * the token before it expires and after a 401 `invalid_token`, with one token request shared by
 * all concurrent callers, and re-sends a request only when that is safe. Throws a TypeError for
 * invalid options.
 */
export function createClient(options: ClientOptions): LatchkeyClient {
  const settings = resolveSettings(options);
  const session = new TokenSession(settings);

  const authorizedFetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const template = new Request(input, init);
    if (!receivesToken(settings, template.url)) return settings.fetch(template);

    const request = await prepareRequest(template, init?.body);
    return sendWithToken(request, session, settings);
  };

  const signOut = async (): Promise<void> => {
    session.signOut();
    if (settings.signOut === undefined) return;

    try {
      await settings.signOut();
    } catch (error) {
      throw new SignOutError(error);
    }
  };

  return {
    fetch: authorizedFetch,
    getToken: async () => (await session.tokenForRequest()) ?? null,
    signIn: (token) => session.signIn(token),
    signOut,
    get state() {
      return session.state;
    },
    subscribe: (listener) => session.subscribe(listener),
    dispose: () => {
      session.dispose();
      settings.closeChannel?.();
    },
  };
}
