import { isLatchkeyError } from '@latchkey/core';
import type { ErrorRequestHandler } from 'express';
import { sendFailure } from './respond.js';

/**
 * Creates an error handler that sends the contract response for latchkey failures passed with
 * `onFailure: 'next'`, and hands every other error to the next error handler.
 */
export function latchkeyErrorHandler(): ErrorRequestHandler {
  return (error: unknown, request, response, next) => {
    if (!isLatchkeyError(error) || response.headersSent) return next(error);
    sendFailure(request, response, error);
  };
}
