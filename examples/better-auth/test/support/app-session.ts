/** A Better Auth session of the running example app, used from Node.js to obtain tokens. */
export interface AppSession {
  token(): Promise<string>;
}

/** Signs in to the example app over HTTP, as the browser form does, and keeps the session cookie. */
export async function signInOverHttp(appUrl: string, email: string, password: string): Promise<AppSession> {
  const response = await fetch(`${appUrl}/api/auth/sign-in/email`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: appUrl },
    body: JSON.stringify({ email, password }),
  });
  if (response.status !== 200) throw new Error(`Sign-in of ${email} at ${appUrl} failed with ${response.status}: ${await response.text()}`);

  const cookie = response.headers
    .getSetCookie()
    .map((value) => value.split(';')[0])
    .join('; ');

  return {
    async token() {
      const tokenResponse = await fetch(`${appUrl}/api/auth/token`, { headers: { cookie } });
      const body = (await tokenResponse.json()) as { token?: unknown };
      if (typeof body.token !== 'string') throw new Error(`GET /api/auth/token returned ${tokenResponse.status} without a token.`);
      return body.token;
    },
  };
}
