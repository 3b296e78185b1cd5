/**
 * Runs the example against a local issuer: starts the test-fixtures issuer and a development
 * token endpoint on 127.0.0.1, then `next dev` with the variables lib/auth.ts reads.
 * `pnpm dev` in examples/next-app runs it; PORT sets the app port (default 3000).
 * Ctrl-C or SIGTERM stops Next.js, the issuer and the token endpoint.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { signUserToken, startDevelopmentIssuer } from './local-issuer.js';

const port = process.env['PORT'] ?? '3000';
const nextBin = join(createRequire(import.meta.url).resolve('next/package.json'), '..', 'dist', 'bin', 'next');

const development = await startDevelopmentIssuer();
const token = await signUserToken(development.tokens);

console.log(`Local issuer on ${development.issuer.issuer}, token endpoint on ${development.tokenUrl}.`);
console.log(`Open http://127.0.0.1:${port}/dashboard and press "Sign in", or call the API with this token:`);
console.log(`curl -i -H "Authorization: Bearer ${token}" http://127.0.0.1:${port}/api/items`);

const next = spawn(process.execPath, [nextBin, 'dev', '-H', '127.0.0.1', '-p', port], {
  stdio: 'inherit',
  env: { ...process.env, ...development.env, NEXT_TELEMETRY_DISABLED: '1' },
});

const stop = (signal: NodeJS.Signals): void => {
  console.log(`Received ${signal}, stopping Next.js and the local issuer.`);
  next.kill('SIGTERM');
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);

next.once('exit', (code) => {
  development.close().then(
    () => process.exit(code ?? 0),
    (error: unknown) => {
      console.error('Closing the local issuer failed:', error);
      process.exit(1);
    },
  );
});
