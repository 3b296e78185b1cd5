/**
 * Entry point of a benchmark server process. It reads a ServerLaunch from BENCH_SERVER, listens
 * on 127.0.0.1 on a free port and reports the port over IPC. It exits when the parent sends
 * `stop`, when the parent goes away, or after its maximum lifetime.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { buildExpressApp } from './apps/express.js';
import { buildFastifyApp } from './apps/fastify.js';
import { isServerVariant, type ExpressVariant, type FastifyVariant } from './apps/types.js';
import { launchVariable, type ParentMessage, type ServerLaunch, type ServerMessage } from './protocol.js';

const host = '127.0.0.1';

function send(message: ServerMessage): void {
  process.send?.(message);
}

function readLaunch(): ServerLaunch {
  const text = process.env[launchVariable];

  if (text === undefined) {
    throw new Error(`Missing ${launchVariable}: start this file through startServer() in child.ts.`);
  }

  const launch = JSON.parse(text) as ServerLaunch;

  if (!isServerVariant(launch.variant)) {
    throw new Error(`Unknown server variant "${String(launch.variant)}" in ${launchVariable}.`);
  }

  return launch;
}

/** Starts the app and returns its port and a function that closes it. */
async function listen(launch: ServerLaunch): Promise<{ port: number; close: () => Promise<void> }> {
  if (launch.variant.startsWith('fastify')) {
    const app = await buildFastifyApp(launch.variant as FastifyVariant, launch.auth);
    await app.listen({ host, port: 0 });

    return { port: (app.server.address() as AddressInfo).port, close: () => app.close() };
  }

  const app = buildExpressApp(launch.variant as ExpressVariant, launch.auth);
  const server = await new Promise<Server>((resolve, reject) => {
    const created = app.listen(0, host, (error?: Error) => (error ? reject(error) : resolve(created)));
  });

  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

async function main(): Promise<void> {
  const launch = readLaunch();

  setTimeout(() => process.exit(3), launch.maxLifetimeMilliseconds).unref();
  process.on('disconnect', () => process.exit(0));

  const server = await listen(launch);

  process.on('message', (message: ParentMessage) => {
    if (message.type === 'memory') {
      const usage = process.memoryUsage();
      send({ type: 'memory', sample: { rss: usage.rss, heapUsed: usage.heapUsed } });
    } else if (message.type === 'stop') {
      void server.close().finally(() => process.exit(0));
    }
  });

  send({ type: 'ready', port: server.port });
}

main().catch((error: unknown) => {
  send({ type: 'failed', message: error instanceof Error ? error.stack ?? error.message : String(error) });
  process.exit(1);
});
