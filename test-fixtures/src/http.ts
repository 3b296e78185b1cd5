import type { Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Sends a complete response, and Node sets `Content-Length` from the body.
 * Header names are case-insensitive, so a later `content-type` replaces an earlier `Content-Type`.
 */
export function sendBody(
  response: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string>,
): void {
  for (const [name, value] of Object.entries(headers)) {
    response.setHeader(name, value);
  }

  response.statusCode = status;
  response.end(body);
}

/** Sends a JSON response with the given content type. */
export function sendJson(
  response: ServerResponse,
  document: unknown,
  contentType = 'application/json',
  headers: Record<string, string> = {},
): void {
  sendBody(response, 200, JSON.stringify(document), { 'Content-Type': contentType, ...headers });
}

/** Sends a plain-text error response such as 404 or 405. */
export function sendText(
  response: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  sendBody(response, status, text, { 'Content-Type': 'text/plain; charset=utf-8', ...headers });
}

/** Starts listening on `host:port` (port 0 picks a free port) and resolves with the bound port. */
export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => {
      server.off('listening', onListening);
      reject(error);
    };

    const onListening = (): void => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    };

    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ port, host });
  });
}

/**
 * Stops listening and destroys every open connection, including idle keep-alive sockets
 * and requests still waiting for a response.
 */
export function stopListening(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}
