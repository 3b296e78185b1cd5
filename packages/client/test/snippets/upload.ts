// A README snippet of @latchkey/client, checked by test/readme.test.ts.
import { api } from './better-auth.js';

import { NotReplayableError } from '@latchkey/client';

export async function upload(file: File): Promise<Response> {
  const send = () => api.fetch('https://api.example.com/uploads', { method: 'POST', body: file.stream(), duplex: 'half' } as RequestInit);

  try {
    return await send();
  } catch (error) {
    if (error instanceof NotReplayableError) return send();
    throw error;
  }
}
