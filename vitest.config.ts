import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Tests import the workspace packages from source, so `pnpm test` needs no build first.
const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

const alias = {
  '@latchkey/core': source('./packages/core/src/index.ts'),
  '@latchkey/express': source('./packages/express/src/index.ts'),
  '@latchkey/fastify': source('./packages/fastify/src/index.ts'),
  '@latchkey/client': source('./packages/client/src/index.ts'),
  '@latchkey/next': source('./packages/next/src/index.ts'),
  '@latchkey/test-fixtures': source('./test-fixtures/src/index.ts'),
};

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      { resolve: { alias }, test: { name: 'core', include: ['packages/core/test/**/*.test.ts'] } },
      { resolve: { alias }, test: { name: 'express', include: ['packages/express/test/**/*.test.ts'] } },
      { resolve: { alias }, test: { name: 'fastify', include: ['packages/fastify/test/**/*.test.ts'] } },
      { resolve: { alias }, test: { name: 'client', include: ['packages/client/test/**/*.test.ts'] } },
      { resolve: { alias }, test: { name: 'next', include: ['packages/next/test/**/*.test.ts'] } },
      { resolve: { alias }, test: { name: 'test-fixtures', include: ['test-fixtures/test/**/*.test.ts'] } },
      { resolve: { alias }, test: { name: 'conformance', include: ['test/conformance/**/*.test.ts'] } },
      { resolve: { alias }, test: { name: 'revocation', include: ['test/revocation/**/*.test.ts'] } },
      {
        resolve: { alias },
        test: {
          name: 'types',
          include: [],
          typecheck: { enabled: true, only: true, include: ['packages/*/test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
        },
      },
      { resolve: { alias }, test: { name: 'examples', include: ['examples/*/test/**/*.test.ts', 'test/readme/**/*.test.ts'] } },
    ],
  },
});
