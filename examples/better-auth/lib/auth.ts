import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { betterAuth } from 'better-auth';
import { getMigrations } from 'better-auth/db/migration';
import Database from 'better-sqlite3';
import { createAuthOptions } from '../src/auth-options';
import { readSecret } from '../src/dev-secret';
import { readAppSettings } from '../src/settings';

function createAuth() {
  const settings = readAppSettings(process.env);
  const dataDir = resolve(settings.dataDir);
  mkdirSync(dataDir, { recursive: true });

  const options = createAuthOptions({
    baseURL: settings.baseURL,
    secret: readSecret(process.env, dataDir),
    database: new Database(join(dataDir, 'auth.sqlite')),
    audience: settings.audience,
    tokenLifetime: settings.tokenLifetime,
  });
  return { auth: betterAuth(options), options };
}

type Auth = ReturnType<typeof createAuth>['auth'];

let ready: Promise<Auth> | undefined;

/**
 * Returns the Better Auth instance. The first call opens the SQLite database in the data folder,
 * creating both when missing, and creates or updates its tables. The database is opened on first
 * use, not on import, because `next build` imports the route modules.
 */
export function getAuth(): Promise<Auth> {
  ready ??= migrateAndCreate().catch((error: unknown) => {
    ready = undefined;
    throw error;
  });
  return ready;
}

async function migrateAndCreate(): Promise<Auth> {
  const { auth, options } = createAuth();
  const { runMigrations } = await getMigrations(options);
  await runMigrations();
  return auth;
}
