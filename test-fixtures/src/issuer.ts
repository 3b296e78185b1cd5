import { createServer, validateHeaderName, validateHeaderValue } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

import {
  authorizationServerMetadata,
  authorizationServerMetadataPath,
  jwkEntries,
  jwksPath,
  openidConfiguration,
  openidConfigurationPath,
  signingAlgorithmsOf,
} from './discovery.js';
import { listen, sendBody, sendJson, sendText, stopListening } from './http.js';
import { faultCovers, paddedJson, sendStaticFault, validateFault } from './issuer-faults.js';
import type { IssuerEndpoint, IssuerFault, ResponseFault } from './issuer-faults.js';
import { withoutUndefined } from './jws.js';
import { toJwks, type TestKey } from './keys.js';

/** Options for `startIssuer`. */
export interface StartIssuerOptions {
  /** Keys to publish in the JWK Set, in order. */
  keys: TestKey[];
  /** Address to listen on. Only loopback is allowed. */
  host?: '127.0.0.1';
  /** `Content-Type` of the JWK Set response. Defaults to `application/jwk-set+json`. */
  jwksContentType?: string;
}

/** Requests received since start or the last `resetCounts()`. */
export interface IssuerRequestCounts {
  jwks: number;
  /** Requests for either metadata document. */
  discovery: number;
  /** Every request, including those for unknown paths. */
  total: number;
}

/** One received request. */
export interface IssuerRequestLogEntry {
  method: string;
  /** Request path without the query string. */
  path: string;
  /** Arrival time in milliseconds since the Unix epoch. */
  at: number;
}

/** A local identity provider that serves a JWK Set and discovery metadata over HTTP on 127.0.0.1. */
export interface LocalIssuer {
  /** Issuer identifier, `http://127.0.0.1:<port>` without a trailing slash. */
  readonly issuer: string;
  readonly jwksUri: string;
  /** URL of the OpenID provider configuration. */
  readonly discoveryUri: string;
  readonly port: number;
  /** Snapshot of the request counters. */
  readonly requests: IssuerRequestCounts;
  /** Snapshot of the request log, oldest first. */
  readonly log: readonly IssuerRequestLogEntry[];
  /** Sets the request counters to zero and empties the log. */
  resetCounts(): void;
  /** Publishes exactly these keys and drops a JWK Set set by `setJwks`. */
  setKeys(keys: TestKey[]): void;
  /**
   * Publishes `newKey` first. With `keepOld`, the keys from the last `setKeys` or `rotate` follow it,
   * while a JWK Set from `setJwks` is always dropped.
   */
  rotate(newKey: TestKey, options?: { keepOld?: boolean }): void;
  /** Returns the string `kid` values of the JWK Set being served, in order. */
  publishedKids(): string[];
  /** Serves this JSON value as the JWK Set until the next `setKeys` or `rotate`. */
  setJwks(raw: unknown): void;
  /** Replaces the extra headers sent with every JWK Set response, for example `Cache-Control`. */
  setHeaders(headers: Record<string, string>): void;
  /** Merges fields into both metadata documents, or makes them respond 404 when `null`. */
  setDiscovery(overrides: Record<string, unknown> | null): void;
  /** Replaces the active fault. Resolves once the fault is in effect. */
  fault(fault: IssuerFault): Promise<void>;
  /** Removes the active fault and destroys every hanging response. */
  clearFault(): Promise<void>;
  /** Stops the server and destroys every connection and pending response. Safe to call again. */
  close(): Promise<void>;
}

const loopbackHost = '127.0.0.1';

// Keeps memory bounded in long-running demo scripts. The counters keep counting past this limit.
const maxLogEntries = 10_000;

function endpointFor(path: string): IssuerEndpoint | undefined {
  if (path === jwksPath) {
    return 'jwks';
  }

  if (path === openidConfigurationPath || path === authorizationServerMetadataPath) {
    return 'discovery';
  }

  return undefined;
}

function pathnameOf(url: string | undefined): string {
  try {
    return new URL(url ?? '/', `http://${loopbackHost}`).pathname;
  } catch {
    // An unparsable request target is logged as sent and matches no endpoint, so it gets 404.
    return url ?? '/';
  }
}

function emptyCounts(): IssuerRequestCounts {
  return { jwks: 0, discovery: 0, total: 0 };
}

class LocalIssuerServer implements LocalIssuer {
  readonly issuer: string;
  readonly jwksUri: string;
  readonly discoveryUri: string;

  private keys: TestKey[];
  /** JWK Set from `setJwks`, wrapped so that `null` can be served too. */
  private rawJwks: { value: unknown } | undefined;
  private jwksHeaders: Record<string, string> = {};
  private discoveryOverrides: Record<string, unknown> | null = {};
  private activeFault: IssuerFault | undefined;

  private counts = emptyCounts();
  private entries: IssuerRequestLogEntry[] = [];

  private readonly hanging = new Set<ServerResponse>();
  private readonly delayTimers = new Set<NodeJS.Timeout>();

  /** Serializes fault changes and close, which stop and restart listening. */
  private transitions: Promise<void> = Promise.resolve();
  private closing: Promise<void> | undefined;

  constructor(
    private readonly server: Server,
    readonly port: number,
    keys: TestKey[],
    private readonly jwksContentType: string,
  ) {
    this.issuer = `http://${loopbackHost}:${port}`;
    this.jwksUri = `${this.issuer}${jwksPath}`;
    this.discoveryUri = `${this.issuer}${openidConfigurationPath}`;
    this.keys = [...keys];

    server.on('request', (request: IncomingMessage, response: ServerResponse) => this.handle(request, response));
  }

  get requests(): IssuerRequestCounts {
    return { ...this.counts };
  }

  get log(): readonly IssuerRequestLogEntry[] {
    return this.entries.map((entry) => ({ ...entry }));
  }

  resetCounts(): void {
    this.counts = emptyCounts();
    this.entries = [];
  }

  setKeys(keys: TestKey[]): void {
    this.keys = [...keys];
    this.rawJwks = undefined;
  }

  rotate(newKey: TestKey, options: { keepOld?: boolean } = {}): void {
    const previous = options.keepOld === true ? this.keys.filter((key) => key.kid !== newKey.kid) : [];

    this.setKeys([newKey, ...previous]);
  }

  publishedKids(): string[] {
    return jwkEntries(this.jwksDocument())
      .map((key) => key['kid'])
      .filter((kid): kid is string => typeof kid === 'string');
  }

  setJwks(raw: unknown): void {
    const text = JSON.stringify(raw);

    if (text === undefined) {
      throw new TypeError(`Cannot serve ${typeof raw} as a JWK Set because it has no JSON form. Pass a JSON value.`);
    }

    this.rawJwks = { value: JSON.parse(text) };
  }

  setHeaders(headers: Record<string, string>): void {
    for (const [name, value] of Object.entries(headers)) {
      validateHeaderName(name);
      validateHeaderValue(name, value);
    }

    this.jwksHeaders = { ...headers };
  }

  setDiscovery(overrides: Record<string, unknown> | null): void {
    this.discoveryOverrides = overrides === null ? null : { ...overrides };
  }

  async fault(fault: IssuerFault): Promise<void> {
    validateFault(fault);

    await this.serialize(async () => {
      if (this.closing !== undefined) {
        throw new Error(`Cannot apply the ${fault.kind} fault: the issuer at ${this.issuer} is closed. Start a new issuer.`);
      }

      await this.removeFault();
      this.activeFault = fault;

      if (fault.kind === 'refuse') {
        await stopListening(this.server);
      }
    });
  }

  clearFault(): Promise<void> {
    return this.serialize(() => this.removeFault());
  }

  close(): Promise<void> {
    this.closing ??= this.serialize(() => this.shutdown());

    return this.closing;
  }

  private serialize(step: () => Promise<void>): Promise<void> {
    const result = this.transitions.then(step);
    this.transitions = result.catch(() => undefined);

    return result;
  }

  /**
   * Clears the fault and, after `refuse`, listens again on the same port.
   * NOTE: another process can bind the port while it is free, and then this rejects.
   */
  private async removeFault(): Promise<void> {
    const previous = this.activeFault;

    this.activeFault = undefined;
    this.destroyHanging();

    if (previous?.kind !== 'refuse' || this.closing !== undefined) {
      return;
    }

    try {
      await listen(this.server, this.port, loopbackHost);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(
        `Failed to listen again on ${loopbackHost}:${this.port} after the refuse fault: ${reason}. ` +
          'Another process may have taken the port. Start a new issuer.',
      );
    }
  }

  private async shutdown(): Promise<void> {
    this.activeFault = undefined;

    for (const timer of this.delayTimers) {
      clearTimeout(timer);
    }
    this.delayTimers.clear();
    this.destroyHanging();

    if (this.server.listening) {
      await stopListening(this.server);
    }
  }

  private destroyHanging(): void {
    for (const response of this.hanging) {
      response.destroy();
    }
    this.hanging.clear();
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const method = request.method ?? 'GET';
    const path = pathnameOf(request.url);
    const endpoint = endpointFor(path);

    this.record(method, path, endpoint);

    if (endpoint === undefined) {
      sendText(response, 404, `Not found: ${path}`);
      return;
    }

    if (method !== 'GET' && method !== 'HEAD') {
      sendText(response, 405, `Method ${method} is not allowed on ${path}. Use GET.`, { Allow: 'GET, HEAD' });
      return;
    }

    const fault = this.activeFault;

    if (fault !== undefined && fault.kind !== 'refuse' && faultCovers(fault, endpoint)) {
      this.respondWithFault(fault, path, response);
      return;
    }

    this.respond(path, response);
  }

  private record(method: string, path: string, endpoint: IssuerEndpoint | undefined): void {
    this.counts.total += 1;

    if (endpoint !== undefined) {
      this.counts[endpoint] += 1;
    }

    this.entries.push({ method, path, at: Date.now() });

    if (this.entries.length > maxLogEntries) {
      this.entries.shift();
    }
  }

  /** Sends the normal response for a known path. */
  private respond(path: string, response: ServerResponse): void {
    if (path === jwksPath) {
      sendJson(response, this.jwksDocument(), this.jwksContentType, this.jwksHeaders);
      return;
    }

    const metadata = this.metadataDocument(path);

    if (metadata === null) {
      sendText(response, 404, `Not found: ${path} (discovery is disabled by setDiscovery(null))`);
      return;
    }

    sendJson(response, metadata);
  }

  private respondWithFault(fault: ResponseFault, path: string, response: ServerResponse): void {
    switch (fault.kind) {
      case 'hang':
        this.hanging.add(response);
        response.on('close', () => this.hanging.delete(response));
        return;
      case 'slow':
        this.respondLater(fault.delayMs, path, response);
        return;
      case 'oversized':
        this.respondOversized(fault.bytes, path, response);
        return;
      default:
        sendStaticFault(fault, response);
    }
  }

  private respondLater(delayMs: number, path: string, response: ServerResponse): void {
    const timer = setTimeout(() => {
      this.delayTimers.delete(timer);
      this.respond(path, response);
    }, delayMs);

    this.delayTimers.add(timer);

    response.on('close', () => {
      clearTimeout(timer);
      this.delayTimers.delete(timer);
    });
  }

  private respondOversized(bytes: number, path: string, response: ServerResponse): void {
    const isJwks = path === jwksPath;
    const document = isJwks ? this.jwksDocument() : this.metadataDocument(path);

    const contentType = isJwks ? this.jwksContentType : 'application/json';
    const headers = isJwks ? { 'Content-Type': contentType, ...this.jwksHeaders } : { 'Content-Type': contentType };

    sendBody(response, 200, paddedJson(document, bytes), headers);
  }

  private jwksDocument(): unknown {
    return this.rawJwks !== undefined ? this.rawJwks.value : toJwks(this.keys);
  }

  private metadataDocument(path: string): Record<string, unknown> | null {
    if (this.discoveryOverrides === null) {
      return null;
    }

    const input = {
      issuer: this.issuer,
      jwksUri: this.jwksUri,
      signingAlgorithms: signingAlgorithmsOf(this.jwksDocument()),
    };
    const document = path === openidConfigurationPath ? openidConfiguration(input) : authorizationServerMetadata(input);

    return withoutUndefined({ ...document, ...this.discoveryOverrides });
  }
}

/**
 * Starts a local identity provider on 127.0.0.1 with a free port. It serves the JWK Set,
 * the OpenID provider configuration and the RFC 8414 metadata, and writes nothing to the console.
 * Call `close()` when done, because the open server keeps the process alive.
 */
export async function startIssuer(options: StartIssuerOptions): Promise<LocalIssuer> {
  const host: string = options.host ?? loopbackHost;

  if (host !== loopbackHost) {
    throw new TypeError(`Invalid issuer host "${host}": the test issuer listens only on ${loopbackHost}. Omit host.`);
  }

  const server = createServer();
  const port = await listen(server, 0, host);

  return new LocalIssuerServer(server, port, options.keys, options.jwksContentType ?? 'application/jwk-set+json');
}
