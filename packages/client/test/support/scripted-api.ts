import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  checkScopes,
  createVerifier,
  CredentialsMissingError,
  InvalidRequestError,
  isLatchkeyError,
  KeySourceUnavailableError,
  RevocationUnavailableError,
  scopeRequirement,
  type LatchkeyError,
  type Verifier,
} from '@latchkey/core';

/** What the API does with one request instead of its normal handling. */
export type ApiAction =
  /** Responds 401 with core's bare challenge, as to a request without credentials. Handler does not run. */
  | { kind: 'bareChallenge' }
  /** Responds with core's 400 `invalid_request`. Handler does not run. */
  | { kind: 'invalidRequest' }
  /** Responds with core's 503 for an authentication-layer outage, with this `Retry-After`. Handler does not run. */
  | { kind: 'authOutage'; code: 'key_source_unavailable' | 'revocation_unavailable'; retryAfter: number }
  /** Authenticates, runs the handler (which records the body), then responds 503 from the handler. */
  | { kind: 'handlerUnavailable' }
  /** Authenticates, runs the handler (which records the body), then resets the connection. */
  | { kind: 'resetAfterHandler' };

/** One request as the API received it. */
export interface ReceivedRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  contentType: string | undefined;
  /** The body bytes as they arrived, read before authentication. */
  body: Buffer;
  /** 1 for the first request the API received. */
  index: number;
}

/** A body that the POST handler received. */
export interface RecordedBody {
  bytes: Buffer;
  contentType: string | undefined;
}

export interface ScriptedApiOptions {
  issuer: string;
  audience: string;
  jwksUri: string;
  /** Shared event log: every request appends `api`. */
  events?: string[];
}

const readItems = scopeRequirement(['read:items']);
const writeItems = scopeRequirement(['write:items']);

/**
 * An API on 127.0.0.1 that verifies tokens with a real `@latchkey/core` verifier and responds to failures
 * with core's rendered responses. `GET /api/items` needs `read:items`, and `POST /api/items` needs
 * `write:items` and records the body bytes. `script` can replace the handling of single requests.
 */
export class ScriptedApi {
  /** Requests received, including those handled by a script. */
  readonly received: ReceivedRequest[] = [];
  /** Executions of the POST handler, which records the body it received. */
  handlerRuns = 0;
  readonly bodies: RecordedBody[] = [];
  /** Decides, per request, whether a scripted action replaces the normal handling. */
  script: (request: ReceivedRequest) => ApiAction | undefined = () => undefined;

  private readonly verifier: Verifier;
  private server: Server | undefined;
  private baseUrl = '';

  constructor(private readonly options: ScriptedApiOptions) {
    this.verifier = createVerifier({ issuer: options.issuer, audience: options.audience, jwksUri: options.jwksUri });
  }

  get url(): string {
    return this.baseUrl;
  }

  /** Authorization headers of the received requests, in order. */
  tokensSent(): (string | undefined)[] {
    return this.received.map((request) => request.authorization?.replace(/^Bearer /, ''));
  }

  async start(): Promise<this> {
    const server = createServer((request, response) => void this.handle(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

    this.server = server;
    this.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;

    await new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeAllConnections();
    });
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const received: ReceivedRequest = {
      method: request.method ?? '',
      path: new URL(request.url ?? '/', this.baseUrl).pathname,
      authorization: request.headers.authorization,
      contentType: request.headers['content-type'],
      body: await readBody(request),
      index: this.received.length + 1,
    };
    this.received.push(received);
    this.options.events?.push('api');

    const action = this.script(received);
    if (action !== undefined && respondBeforeAuthentication(action, response, this.verifier)) return;

    try {
      const auth = await this.verifier.authenticate({ authorization: request.headers.authorization });
      checkScopes(auth, received.method === 'POST' ? writeItems : readItems);
    } catch (error) {
      if (!isLatchkeyError(error)) throw error;
      sendFailure(response, this.verifier, error);
      return;
    }

    if (received.method !== 'POST') {
      sendJson(response, 200, { items: [] });
      return;
    }

    this.runPostHandler(request, response, received, action);
  }

  private runPostHandler(request: IncomingMessage, response: ServerResponse, received: ReceivedRequest, action: ApiAction | undefined): void {
    this.handlerRuns += 1;
    const bytes = received.body;
    this.bodies.push({ bytes, contentType: received.contentType });

    if (action?.kind === 'resetAfterHandler') {
      request.socket.destroy();
      return;
    }

    if (action?.kind === 'handlerUnavailable') {
      response.setHeader('retry-after', '1');
      sendJson(response, 503, { message: 'The item store is unavailable' });
      return;
    }

    sendJson(response, 201, { receivedBytes: bytes.length });
  }
}

/** Responds for scripted actions that happen before authentication, and returns whether it responded. */
function respondBeforeAuthentication(action: ApiAction, response: ServerResponse, verifier: Verifier): boolean {
  if (action.kind === 'bareChallenge') {
    sendFailure(response, verifier, new CredentialsMissingError());
    return true;
  }

  if (action.kind === 'invalidRequest') {
    sendFailure(response, verifier, new InvalidRequestError('credentials_malformed', { description: 'The Authorization header is malformed' }));
    return true;
  }

  if (action.kind === 'authOutage') {
    const init = { description: 'The service cannot verify tokens right now', retryAfter: action.retryAfter };
    const failure = action.code === 'key_source_unavailable' ? new KeySourceUnavailableError(init) : new RevocationUnavailableError(init);
    sendFailure(response, verifier, failure);
    return true;
  }

  return false;
}

function sendFailure(response: ServerResponse, verifier: Verifier, failure: LatchkeyError): void {
  const rendered = verifier.render(failure);
  response.writeHead(rendered.status, rendered.headers);
  response.end(rendered.body);
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
