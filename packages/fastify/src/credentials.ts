import { type CredentialRequest, isLoopbackAddress } from '@latchkey/core';
import type { FastifyRequest } from 'fastify';

/**
 * Reads the credential-carrying parts of a Fastify request, keeping repeated headers apart.
 *
 * It reads `rawHeaders`, which contains one entry per header line under Node's HTTP/1 and HTTP/2
 * servers and under `app.inject`. Node's `headersDistinct` does not exist on injected requests,
 * and `request.headers` keeps only the first of two `Authorization` lines.
 */
export function toCredentialRequest(request: FastifyRequest): CredentialRequest {
  const rawHeaders = request.raw.rawHeaders;
  let authorization: string[] | undefined;
  let cookie: string[] | undefined;

  for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
    const name = (rawHeaders[index] as string).toLowerCase();
    const value = rawHeaders[index + 1] as string;

    if (name === 'authorization') (authorization ??= []).push(value);
    else if (name === 'cookie') (cookie ??= []).push(value);
  }

  // Fastify's protocol and ip honour its trustProxy setting.
  return { authorization, cookie, url: request.url, secure: request.protocol === 'https', loopback: isLoopbackAddress(request.ip) };
}
