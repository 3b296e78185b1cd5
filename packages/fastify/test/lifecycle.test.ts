import { Writable } from 'node:stream';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latchkey, requireClaims, requireScopes } from '@latchkey/fastify';
import { send, startTestContext, type TestContext } from './helpers.js';

let context: TestContext;

beforeAll(async () => {
  context = await startTestContext();
});

afterAll(async () => {
  await context.close();
});

/** Creates a pino destination that keeps every log line, raw and parsed. */
function captureLogs() {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      raw.push(chunk.toString('utf8'));
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      callback();
    },
  });
  return { stream, lines, raw };
}

describe('request lifecycle', () => {
  it('rejects a POST before its body is parsed', async () => {
    let parses = 0;
    let handlerRuns = 0;
    const app = Fastify();
    await app.register(latchkey, context.options());
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
      parses++;
      done(null, JSON.parse(body as string));
    });
    app.post('/items', { config: { scopes: 'write:items' } }, async (request) => {
      handlerRuns++;
      return request.body;
    });
    const url = await context.serve(app);
    const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Notebook' }) };

    expect((await send(`${url}/items`, undefined, init)).status).toBe(401);
    expect((await send(`${url}/items`, await context.tokens.preset('expired'), init)).status).toBe(401);
    expect((await send(`${url}/items`, await context.tokens.sign(), init)).status).toBe(403);
    expect(parses).toBe(0);
    expect(handlerRuns).toBe(0);

    expect((await send(`${url}/items`, await context.tokens.preset('withWriteScope'), init)).status).toBe(200);
    expect(parses).toBe(1);
  });

  it('keeps auth failures when the app sets an error handler', async () => {
    const app = Fastify();
    app.setErrorHandler(async (_error, _request, reply) => reply.code(500).send({ message: 'boom' }));
    await app.register(latchkey, context.options());
    app.get('/me', async () => 'ran');
    app.get('/helper', { preHandler: requireScopes('write:items') }, async () => 'ran');
    const url = await context.serve(app);

    const failed = await send(`${url}/me`, 'not.a.token');
    const forbidden = await send(`${url}/helper`, await context.tokens.sign());

    expect(failed.status).toBe(401);
    expect(failed.headers.get('content-type')).toBe('application/problem+json');
    expect(forbidden.status).toBe(403);
  });

  it('keeps auth failures when the app sets an onSend hook', async () => {
    const app = Fastify();
    await app.register(latchkey, context.options());
    app.addHook('onSend', async (_request, _reply, payload) => {
      await Promise.resolve();
      return payload;
    });
    let runs = 0;
    app.get('/me', async () => {
      runs++;
      return 'ran';
    });
    const url = await context.serve(app);

    expect((await send(`${url}/me`)).status).toBe(401);
    expect(runs).toBe(0);
  });

  it('passes a throwing claim predicate to the error handler', async () => {
    const app = Fastify();
    app.setErrorHandler(async (error, _request, reply) => reply.code(418).send({ message: (error as Error).message }));
    await app.register(latchkey, context.options());
    const predicate = () => {
      throw new Error('predicate failed');
    };
    app.get('/claims', { preHandler: requireClaims(predicate) }, async () => 'ran');
    const url = await context.serve(app);

    const response = await send(`${url}/claims`, await context.tokens.sign());

    expect(response.status).toBe(418);
    expect(await response.json()).toEqual({ message: 'predicate failed' });
  });
});

describe('rejection logs', () => {
  it('log the code and the request id at debug level without the token', async () => {
    const logs = captureLogs();
    const app = Fastify({ logger: { level: 'debug', stream: logs.stream } });
    await app.register(latchkey, context.options());
    app.get('/me', async () => 'ran');
    app.get('/write', { preHandler: requireScopes('write:items') }, async () => 'ran');
    const url = await context.serve(app);
    const expired = await context.tokens.preset('expired');
    const valid = await context.tokens.sign();

    await send(`${url}/me`, expired);
    await send(`${url}/write`, valid);

    const rejections = logs.lines.filter((line) => line['msg'] === 'latchkey rejected the request');
    expect(rejections.map((line) => line['code'])).toEqual(['token_expired', 'scope_insufficient']);
    expect(rejections.map((line) => line['level'])).toEqual([20, 20]);

    const incoming = logs.lines.filter((line) => line['msg'] === 'incoming request').map((line) => line['reqId']);
    expect(rejections.map((line) => line['reqId'])).toEqual(incoming);
    expect(incoming).toHaveLength(2);

    const everything = logs.raw.join('');
    expect(everything).not.toContain(expired);
    expect(everything).not.toContain(valid);
    expect(everything).not.toContain(expired.split('.')[1]);
  });

  it('are silent at the default info level', async () => {
    const logs = captureLogs();
    const app = Fastify({ logger: { level: 'info', stream: logs.stream } });
    await app.register(latchkey, context.options());
    app.get('/me', async () => 'ran');
    const url = await context.serve(app);

    await send(`${url}/me`);

    expect(logs.lines.filter((line) => line['msg'] === 'latchkey rejected the request')).toEqual([]);
  });
});
