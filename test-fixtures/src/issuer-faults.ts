import { STATUS_CODES, validateHeaderValue, type ServerResponse } from 'node:http';

import { sendBody } from './http.js';

/** Issuer endpoints that a fault can be limited to. `discovery` covers both metadata documents. */
export type IssuerEndpoint = 'jwks' | 'discovery';

/** Faults that change how the issuer responds to a request that it has accepted. */
export type ResponseFault =
  /** Accepts the request and never responds. */
  | { kind: 'hang' }
  /** Responds with the status and body. The body defaults to a short HTML error page. */
  | { kind: 'status'; status: number; body?: string; contentType?: string }
  /** Responds 200 with an HTML sign-in page, as a misconfigured proxy might. */
  | { kind: 'html' }
  /** Responds 200 with `Content-Type: application/json` and a body that is not valid JSON. */
  | { kind: 'notJson' }
  /** Responds 200 with `{"keys":[]}`. */
  | { kind: 'emptyKeys' }
  /** Responds 302 with the `Location` header. */
  | { kind: 'redirect'; location: string }
  /** Responds normally after `delayMs` milliseconds. */
  | { kind: 'slow'; delayMs: number }
  /** Responds 200 with the normal JSON document padded to `bytes` bytes. */
  | { kind: 'oversized'; bytes: number };

/**
 * A fault for `LocalIssuer.fault`. `refuse` closes the listening socket, so it always covers
 * every endpoint. The other faults cover the JWKS and discovery endpoints, or only `path`.
 */
export type IssuerFault = { kind: 'refuse' } | (ResponseFault & { path?: IssuerEndpoint });

/** Faults whose response does not depend on the issuer's keys or metadata. */
export type StaticFault = Extract<ResponseFault, { kind: 'status' | 'html' | 'notJson' | 'emptyKeys' | 'redirect' }>;

const faultKinds = ['refuse', 'hang', 'status', 'html', 'notJson', 'emptyKeys', 'redirect', 'slow', 'oversized'];

// Node's setTimeout fires after 1 ms when given a larger delay.
const maxTimerDelayMs = 2 ** 31 - 1;

const jsonHeaders = { 'Content-Type': 'application/json' };
const htmlHeaders = { 'Content-Type': 'text/html; charset=utf-8' };

function invalidFault(field: string, value: unknown, expected: string): TypeError {
  return new TypeError(`Invalid issuer fault ${field}: ${JSON.stringify(value)}. Expected ${expected}.`);
}

function validateFaultFields(fault: IssuerFault): void {
  switch (fault.kind) {
    case 'status':
      if (!Number.isInteger(fault.status) || fault.status < 200 || fault.status > 599) {
        throw invalidFault('status', fault.status, 'an integer HTTP status from 200 to 599');
      }
      return;
    case 'redirect':
      if (typeof fault.location !== 'string' || fault.location === '') {
        throw invalidFault('location', fault.location, 'a non-empty URL string');
      }
      validateHeaderValue('Location', fault.location);
      return;
    case 'slow':
      if (!Number.isFinite(fault.delayMs) || fault.delayMs < 0 || fault.delayMs > maxTimerDelayMs) {
        throw invalidFault('delayMs', fault.delayMs, `milliseconds from 0 to ${maxTimerDelayMs}`);
      }
      return;
    case 'oversized':
      if (!Number.isSafeInteger(fault.bytes) || fault.bytes < 0) {
        throw invalidFault('bytes', fault.bytes, 'a non-negative integer byte count');
      }
      return;
    default:
      return;
  }
}

/** Throws a TypeError that names the field if the fault cannot be applied as given. */
export function validateFault(fault: IssuerFault): void {
  if (!faultKinds.includes(fault.kind)) {
    throw invalidFault('kind', fault.kind, `one of ${faultKinds.join(', ')}`);
  }

  const path: unknown = 'path' in fault ? fault.path : undefined;

  if (fault.kind === 'refuse' && path !== undefined) {
    throw invalidFault('path', path, 'no path, because refuse closes the whole port');
  }

  if (path !== undefined && path !== 'jwks' && path !== 'discovery') {
    throw invalidFault('path', path, '"jwks", "discovery" or no path');
  }

  validateFaultFields(fault);
}

/** Returns whether the fault applies to a request for the endpoint. */
export function faultCovers(fault: IssuerFault, endpoint: IssuerEndpoint): boolean {
  return !('path' in fault) || fault.path === undefined || fault.path === endpoint;
}

/** Sends the fixed response of a fault that needs no issuer state. */
export function sendStaticFault(fault: StaticFault, response: ServerResponse): void {
  switch (fault.kind) {
    case 'status': {
      const body = fault.body ?? `<html><body><h1>${fault.status} ${STATUS_CODES[fault.status] ?? ''}</h1></body></html>`;
      sendBody(response, fault.status, body, { 'Content-Type': fault.contentType ?? htmlHeaders['Content-Type'] });
      return;
    }
    case 'html':
      sendBody(response, 200, '<html><body>Sign in</body></html>', htmlHeaders);
      return;
    case 'notJson':
      sendBody(response, 200, '{"keys":[{"kty":"RSA",', jsonHeaders);
      return;
    case 'emptyKeys':
      sendBody(response, 200, '{"keys":[]}', jsonHeaders);
      return;
    case 'redirect':
      sendBody(response, 302, '', { Location: fault.location });
      return;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Serializes the document with an added `padding` string member so that the JSON text is
 * exactly `bytes` bytes long. When the document alone is longer, the padding is empty.
 * A document that is not a JSON object is replaced by `{}` first.
 */
export function paddedJson(document: unknown, bytes: number): string {
  const base = isRecord(document) ? document : {};
  const minimumLength = Buffer.byteLength(JSON.stringify({ ...base, padding: '' }));

  const padding = 'x'.repeat(Math.max(0, bytes - minimumLength));

  return JSON.stringify({ ...base, padding });
}
