import { createServer } from 'node:net';

/** Returns a port that is free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('No port was assigned on 127.0.0.1.'))));
    });
  });
}

/** Settles like the promise, or rejects with `message()` after `timeoutMs`. */
export function withTimeout<T>(promise: Promise<T>, timeoutMs: number, message: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(message())), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Status and latchkey problem code of one API call made outside the browser. */
export async function callApi(url: string, token: string, method = 'GET'): Promise<{ status: number; code: unknown }> {
  const response = await fetch(url, { method, headers: { authorization: `Bearer ${token}` } });
  const text = await response.text();
  const body = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
  return { status: response.status, code: body['code'] };
}
