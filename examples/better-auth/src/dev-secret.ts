import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** File in the data folder that keeps the generated development secret between runs. */
export const DEV_SECRET_FILE = 'dev-secret';

/**
 * Returns `BETTER_AUTH_SECRET`, or outside production a development secret generated on first
 * run and kept in `<dataDir>/dev-secret`. The secret must stay the same between runs, because
 * Better Auth encrypts the stored private signing keys with it. Production needs the variable.
 */
export function readSecret(env: Record<string, string | undefined>, dataDir: string): string {
  const configured = env['BETTER_AUTH_SECRET'];
  if (configured !== undefined && configured !== '') return configured;

  if (env['NODE_ENV'] === 'production') {
    throw new Error('BETTER_AUTH_SECRET is not set. Set it to a random value of at least 32 characters, such as the output of "openssl rand -base64 32".');
  }

  return readOrCreateSecretFile(join(dataDir, DEV_SECRET_FILE));
}

function readOrCreateSecretFile(path: string): string {
  try {
    // `wx` fails when the file exists, so two processes starting at once keep one secret.
    writeFileSync(path, randomBytes(32).toString('base64url'), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return readFileSync(path, 'utf8').trim();
}
