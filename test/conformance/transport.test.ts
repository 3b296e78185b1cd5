import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latchkey as expressLatchkey } from '@latchkey/express';
import { latchkey as fastifyLatchkey } from '@latchkey/fastify';
import { type ConformanceSetup, startConformanceSetup } from '@latchkey/test-fixtures';

let setup: ConformanceSetup;
const closers: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  setup = await startConformanceSetup();
});

afterAll(async () => {
  await Promise.all(closers.map((close) => close()));
  await setup.close();
});

async function expressUrl(trustProxy: boolean): Promise<string> {
  const app = express();
  app.set('trust proxy', trustProxy);
  app.get('/protected', expressLatchkey({ ...setup.options, requireHttps: true }), (_request, response) => {
    response.json({ ok: true });
  });

  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  closers.push(() => new Promise((resolve) => server.close(resolve)));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function fastifyUrl(trustProxy: boolean): Promise<string> {
  const app: FastifyInstance = Fastify({ trustProxy });
  await app.register(fastifyLatchkey, { ...setup.options, requireHttps: true });
  app.get('/protected', async () => ({ ok: true }));

  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  closers.push(() => app.close());
  return url;
}

const adapters = [
  ['Express', expressUrl],
  ['Fastify', fastifyUrl],
] as const;

describe.each(adapters)('requireHttps with %s', (_name, start) => {
  function send(url: string, headers: Record<string, string>): Promise<Response> {
    return fetch(`${url}/protected`, { headers: { authorization: `Bearer ${setup.tokens.valid}`, ...headers } });
  }

  it('accepts plain http from a loopback client', async () => {
    expect((await send(await start(false), {})).status).toBe(200);
  });

  it('ignores forwarded headers without trust proxy', async () => {
    const response = await send(await start(false), { 'x-forwarded-for': '203.0.113.5', 'x-forwarded-proto': 'http' });

    expect(response.status).toBe(200);
  });

  it('rejects plain http from a remote client behind a trusted proxy', async () => {
    const response = await send(await start(true), { 'x-forwarded-for': '203.0.113.5', 'x-forwarded-proto': 'http' });

    expect(response.status).toBe(400);
    expect(response.headers.get('www-authenticate')).toBe(
      'Bearer realm="api", error="invalid_request", error_description="Bearer tokens must be sent over HTTPS"',
    );
    expect((await response.json()).code).toBe('credentials_insecure');
  });

  it('accepts https from a remote client behind a trusted proxy', async () => {
    const response = await send(await start(true), { 'x-forwarded-for': '203.0.113.5', 'x-forwarded-proto': 'https' });

    expect(response.status).toBe(200);
  });

  it('still answers missing credentials with a bare challenge', async () => {
    const response = await fetch(`${await start(true)}/protected`, { headers: { 'x-forwarded-for': '203.0.113.5', 'x-forwarded-proto': 'http' } });

    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer realm="api"');
  });
});
