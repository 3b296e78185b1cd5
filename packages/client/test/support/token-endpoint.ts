import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TokenFactory } from '@latchkey/test-fixtures';

/** One scripted response of the token endpoint, used instead of minting a token. */
export type TokenStep =
  /** Responds with this status and a JSON error body. */
  | { status: number }
  /** Mints a token with these claims added or overridden. */
  | { claims: Record<string, unknown> }
  /** Responds `{"token": token}` with exactly this string. */
  | { token: string };

export interface TokenEndpointOptions {
  tokens: TokenFactory;
  /** Token lifetime in seconds. Default 900, Better Auth's default. */
  lifetime?: number;
  /** `scope` claim of minted tokens. Default `read:items write:items`. */
  scope?: string;
  /**
   * Whether the session cookie is a refresh credential that is replaced on every use, where
   * reusing a replaced one revokes the whole session, as with refresh-token rotation.
   */
  rotation?: boolean;
  /** Shared event log: every token request appends `token`. */
  events?: string[];
}

/** The session cookie's name, as Better Auth names its session cookie. */
export const sessionCookie = 'better-auth.session_token';

/**
 * A token endpoint shaped like Better Auth's jwt plugin, on 127.0.0.1. `GET /api/auth/token`
 * responds `{"token": …}` to a request with a live session cookie, and 401 otherwise.
 * `POST /api/auth/sign-out` ends the session. Tokens are signed with the test factory's real key,
 * with `iat` set to now as Better Auth sets it.
 */
export class TokenEndpoint {
  /** Requests to the token path. */
  calls = 0;
  signOutCalls = 0;
  /** Tokens returned, in order. */
  readonly issued: string[] = [];
  /** Rotated credentials that were presented a second time. */
  reuseEvents = 0;
  /** Every rotated credential that was redeemed, in order. */
  readonly redeemed: string[] = [];
  /** `Accept`, `Cookie` and method of every token request. */
  readonly requests: { method: string; accept: string | undefined; cookie: string | undefined }[] = [];

  private readonly steps: TokenStep[] = [];
  /** Live credentials. In rotation mode one credential per session; otherwise the session id. */
  private readonly live = new Set<string>();
  private readonly used = new Set<string>();
  private server: Server | undefined;
  private baseUrl = '';

  constructor(private readonly options: TokenEndpointOptions) {}

  /** The server's origin, `http://127.0.0.1:<port>`, which is Better Auth's `baseURL`. */
  get url(): string {
    return this.baseUrl;
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

  /** Creates a session, as signing in to Better Auth does, and returns its cookie value. */
  startSession(): string {
    const credential = randomUUID();
    this.live.add(credential);
    return credential;
  }

  /** Ends every session, so the endpoint responds 401. */
  endSessions(): void {
    this.live.clear();
  }

  /** Queues responses for the next token requests, in order. */
  script(...steps: TokenStep[]): void {
    this.steps.push(...steps);
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', this.baseUrl).pathname;

    if (path === '/api/auth/token' && request.method === 'GET') return this.respondToken(request, response);
    if (path === '/api/auth/sign-out' && request.method === 'POST') return this.respondSignOut(request, response);

    sendJson(response, 404, { message: `No route for ${request.method ?? ''} ${path}` });
  }

  private async respondToken(request: IncomingMessage, response: ServerResponse): Promise<void> {
    this.calls += 1;
    this.options.events?.push('token');
    this.requests.push({ method: request.method ?? '', accept: request.headers.accept, cookie: request.headers.cookie });

    const step = this.steps.shift();
    if (step !== undefined && 'status' in step) {
      sendJson(response, step.status, { message: `Scripted status ${step.status}` });
      return;
    }

    const credential = readCookie(request, sessionCookie);
    if (!this.redeem(credential, response)) {
      sendJson(response, 401, { code: 'UNAUTHORIZED', message: 'No session' });
      return;
    }

    const token = step !== undefined && 'token' in step ? step.token : await this.mint(step?.claims ?? {});
    this.issued.push(token);
    sendJson(response, 200, { token });
  }

  /** Checks the session credential, and in rotation mode replaces it with a new one. */
  private redeem(credential: string | undefined, response: ServerResponse): boolean {
    if (credential === undefined) return false;

    if (this.used.has(credential)) {
      // Reuse of a replaced credential: revoke the whole session, as rotation schemes do.
      this.reuseEvents += 1;
      this.live.clear();
      return false;
    }

    if (!this.live.has(credential)) return false;
    if (this.options.rotation !== true) return true;

    this.live.delete(credential);
    this.used.add(credential);
    this.redeemed.push(credential);

    const next = this.startSession();
    response.setHeader('set-cookie', `${sessionCookie}=${next}; Path=/; HttpOnly; SameSite=Lax`);
    return true;
  }

  private async respondSignOut(request: IncomingMessage, response: ServerResponse): Promise<void> {
    this.signOutCalls += 1;
    const credential = readCookie(request, sessionCookie);
    if (credential !== undefined) this.live.delete(credential);

    response.setHeader('set-cookie', `${sessionCookie}=; Path=/; Max-Age=0`);
    sendJson(response, 200, { success: true });
  }

  private mint(claims: Record<string, unknown>): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const lifetime = this.options.lifetime ?? 900;

    return this.options.tokens.sign({
      expiresIn: lifetime,
      claims: { iat: now, scope: this.options.scope ?? 'read:items write:items', ...claims },
    });
  }
}

function readCookie(request: IncomingMessage, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.statusCode = status;
  response.setHeader('content-type', 'application/json');
  response.end(JSON.stringify(body));
}
