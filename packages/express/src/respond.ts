import { type LatchkeyError, renderFailure } from '@latchkey/core';
import type { Request, Response } from 'express';

const renderers = new WeakMap<Request, (failure: LatchkeyError) => ReturnType<typeof renderFailure>>();

/** Remembers how failures of this request are rendered, so scope checks use the verifier's realm. */
export function rememberRenderer(request: Request, render: (failure: LatchkeyError) => ReturnType<typeof renderFailure>): void {
  renderers.set(request, render);
}

/**
 * Sends a failure exactly as core renders it. Node's own `setHeader` and `end` are used,
 * because Express's `res.set` would append a charset to the Content-Type.
 */
export function sendFailure(request: Request, response: Response, failure: LatchkeyError): void {
  const render = renderers.get(request) ?? ((error: LatchkeyError) => renderFailure(error));
  const rendered = render(failure);

  response.statusCode = rendered.status;
  for (const [name, value] of Object.entries(rendered.headers)) response.setHeader(name, value);
  response.end(rendered.body);
}
