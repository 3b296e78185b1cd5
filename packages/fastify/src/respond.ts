import { type LatchkeyError, type RenderedFailure, renderFailure } from '@latchkey/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Renders a failure as an HTTP response. */
export type Renderer = (failure: LatchkeyError) => RenderedFailure;

// A global symbol, so the ESM and the CommonJS build of this package find each other's renderer.
const rendererKey = Symbol.for('@latchkey/fastify.renderer');

/**
 * Stores the verifier's renderer on the instance the plugin is registered on. Child contexts
 * inherit it, so the scope helpers render failures with the plugin's realm.
 */
export function decorateRenderer(fastify: FastifyInstance, render: Renderer): void {
  fastify.decorate(rendererKey, render);
}

/** Tells whether latchkey is registered on this instance or one of its parents. */
export function hasRenderer(fastify: FastifyInstance): boolean {
  return fastify.hasDecorator(rendererKey);
}

function rendererOf(request: FastifyRequest): Renderer {
  const render = (request.server as unknown as Record<symbol, Renderer | undefined>)[rendererKey];
  return render ?? ((failure) => renderFailure(failure));
}

/**
 * Sends a failure exactly as core renders it, and logs the failure code at debug level.
 *
 * The body goes out as a Buffer, because Fastify appends `; charset=utf-8` to a JSON media type
 * when the payload is a string. The log line carries the failure code and status. The request id
 * comes from the request logger's own binding (`reqId` unless `requestIdLogLabel` renames it),
 * and the token and the header values are never logged.
 */
export function sendFailure(request: FastifyRequest, reply: FastifyReply, failure: LatchkeyError): FastifyReply {
  const rendered = rendererOf(request)(failure);

  request.log.debug({ code: failure.code, status: rendered.status }, 'latchkey rejected the request');

  return reply.code(rendered.status).headers(rendered.headers).send(bodyBytes(rendered));
}

// Core's verifier renders each distinct failure once, so its body bytes can be kept with it.
const bodies = new WeakMap<RenderedFailure, Buffer>();

function bodyBytes(rendered: RenderedFailure): Buffer {
  let bytes = bodies.get(rendered);
  if (bytes === undefined) {
    bytes = Buffer.from(rendered.body, 'utf8');
    bodies.set(rendered, bytes);
  }
  return bytes;
}
