// A README snippet of @latchkey/client, checked by test/readme.test.ts.
import { createClient } from '@latchkey/client';

export const sessionApi = createClient({
  tokenProvider: async () => {
    const response = await fetch('/session/access-token', { credentials: 'include' });
    if (response.status === 401) return null;
    if (!response.ok) throw new Error(`Token request failed with status ${response.status}`);

    const body = (await response.json()) as { access_token: string; expires_in: number };
    return { token: body.access_token, expiresIn: body.expires_in };
  },
});
