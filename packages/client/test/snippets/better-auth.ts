// A README snippet of @latchkey/client. test/readme.test.ts checks that the README's TypeScript
// blocks appear in these files verbatim, and imports them.
import { betterAuthSignOut, betterAuthTokenProvider, createClient } from '@latchkey/client';

const auth = { baseURL: 'https://auth.example.com' };

export const api = createClient({
  tokenProvider: betterAuthTokenProvider(auth),
  signOut: betterAuthSignOut(auth),
  origins: ['https://api.example.com'],
});

export async function listItems(): Promise<unknown> {
  const response = await api.fetch('https://api.example.com/items');
  if (!response.ok) throw new Error(`GET /items failed with status ${response.status}`);
  return response.json();
}
