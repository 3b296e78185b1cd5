import { request as httpRequest } from 'node:http';

/** A response read in full, with lower-case header names. */
export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  header(name: string): string | undefined;
}

/**
 * Sends a GET with exactly the given headers. Node's fetch adds `Sec-Fetch-Mode: cors` to every
 * request, which would hide a navigation, so node:http is used.
 */
export function rawGet(url: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: 'GET', headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const received = response.headers;
        resolve({
          status: response.statusCode ?? 0,
          headers: received,
          body: Buffer.concat(chunks).toString('utf8'),
          header: (name) => {
            const value = received[name.toLowerCase()];
            return Array.isArray(value) ? value.join(', ') : value;
          },
        });
      });
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end();
  });
}
