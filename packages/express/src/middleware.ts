import { type CredentialRequest, createVerifier, isLatchkeyError, isLoopbackAddress, type Verifier, type VerifierOptions } from '@latchkey/core';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { rememberRenderer, sendFailure } from './respond.js';

export interface AdapterOptions {
  /** Let requests without any credentials through as anonymous (`req.auth` undefined). A bad token is still rejected. Default false. */
  optional?: boolean;
  /** `respond` (default) sends the contract response; `next` passes the LatchkeyError to `next(err)` for your error handler. */
  onFailure?: 'respond' | 'next';
}

/** Options of `latchkey()`: verifier options, or an existing verifier to share its key cache. */
export type LatchkeyOptions = (VerifierOptions & AdapterOptions) | ({ verifier: Verifier } & AdapterOptions);

/**
 * Creates middleware that authenticates every request with a bearer token and sets `req.auth`.
 *
 * ```ts
 * app.use(latchkey({ issuer: 'https://auth.example.com/', audience: 'https://api.example.com', jwksUri: 'https://auth.example.com/.well-known/jwks.json' }));
 * ```
 */
export function latchkey(options: LatchkeyOptions): RequestHandler {
  const verifier = 'verifier' in options ? options.verifier : createVerifier(options);
  const optional = options.optional ?? false;
  const forwardFailures = checkOnFailure(options.onFailure) === 'next';

  return (request: Request, response: Response, next: NextFunction) => {
    rememberRenderer(request, verifier.render);
    const credentials = toCredentialRequest(request);
    const authenticating = optional ? verifier.authenticateOptional(credentials) : verifier.authenticate(credentials);

    authenticating.then(
      (auth) => {
        if (auth !== null) request.auth = auth;
        next();
      },
      (error: unknown) => {
        if (!isLatchkeyError(error)) return next(error);
        if (forwardFailures) return next(error);
        sendFailure(request, response, error);
      },
    );
  };
}

/** Reads the credential-carrying parts of an Express request, keeping repeated headers apart. */
export function toCredentialRequest(request: Request): CredentialRequest {
  // Express's secure and ip honour its trust proxy setting.
  return {
    authorization: request.headersDistinct['authorization'],
    cookie: request.headersDistinct['cookie'],
    url: request.originalUrl,
    secure: request.secure,
    loopback: isLoopbackAddress(request.ip ?? request.socket.remoteAddress),
  };
}

function checkOnFailure(value: AdapterOptions['onFailure']): 'respond' | 'next' {
  if (value === undefined || value === 'respond' || value === 'next') return value ?? 'respond';
  throw new TypeError(`latchkey: option "onFailure" must be "respond" or "next", not ${JSON.stringify(value)}. Leave it unset to send the standard response.`);
}
