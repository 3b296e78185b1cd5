import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createApp, type ApiOptions } from '../../../../examples/express-api/src/app.js';

/** A request as it reached the example app, with the status of its response. */
export interface ExpressApiCall {
  method: string;
  path: string;
  token: string | undefined;
  status: number | undefined;
}

/** Header that makes the API hold a request until the test calls `release` with the header's value. */
export const holdHeader = 'x-test-hold';

/**
 * The Express example API (`examples/express-api`) on 127.0.0.1, behind a recording layer that
 * counts requests and can keep a request waiting before the app receives it.
 */
export class ExpressApi {
  readonly calls: ExpressApiCall[] = [];
  private readonly gates = new Map<string, { arrived: () => void; arrival: Promise<void>; release: () => void; released: Promise<void> }>();
  private server: Server | undefined;
  private baseUrl = '';

  constructor(
    private readonly options: ApiOptions,
    private readonly events?: string[],
  ) {}

  get url(): string {
    return this.baseUrl;
  }

  /** Resolves once a request held under `name` has reached the API. */
  arrival(name: string): Promise<void> {
    return this.gate(name).arrival;
  }

  /** Lets the request held under `name` through to the app. */
  release(name: string): void {
    this.gate(name).release();
  }

  statuses(): (number | undefined)[] {
    return this.calls.map((call) => call.status);
  }

  async start(): Promise<this> {
    const outer = express();

    outer.use((request, response, next) => {
      const call: ExpressApiCall = { method: request.method, path: request.path, token: request.headers.authorization?.replace(/^Bearer /, ''), status: undefined };
      this.calls.push(call);
      this.events?.push('api');
      response.on('finish', () => (call.status = response.statusCode));

      const hold = request.headers[holdHeader];
      if (typeof hold !== 'string') return next();

      const gate = this.gate(hold);
      gate.arrived();
      void gate.released.then(() => next());
    });
    outer.use(createApp(this.options));

    this.server = await new Promise<Server>((resolve) => {
      const server = outer.listen(0, '127.0.0.1', () => resolve(server));
    });
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;

    for (const name of this.gates.keys()) this.release(name);
    await new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeAllConnections();
    });
  }

  private gate(name: string) {
    let gate = this.gates.get(name);
    if (gate !== undefined) return gate;

    let arrived = (): void => undefined;
    let release = (): void => undefined;
    const arrival = new Promise<void>((resolve) => (arrived = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));

    gate = { arrived, arrival, release, released };
    this.gates.set(name, gate);
    return gate;
  }
}
