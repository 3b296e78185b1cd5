import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

import type { MachineInfo } from '../results.js';

const packageRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Packages whose installed versions the report lists, in report order. */
const reportedPackages = [
  '@latchkey/core',
  '@latchkey/express',
  '@latchkey/fastify',
  'jose',
  'fast-jwt',
  'aws-jwt-verify',
  'express',
  'express-oauth2-jwt-bearer',
  'express-jwt',
  'jwks-rsa',
  'passport',
  'passport-jwt',
  'fastify',
  '@fastify/jwt',
  'get-jwks',
  'fastify-jwt-jwks',
  'autocannon',
];

export function describeMachine(): MachineInfo {
  const cpus = os.cpus();

  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    totalMemoryBytes: os.totalmem(),
    platform: `${os.platform()} ${os.arch()}`,
    release: os.release(),
    node: process.versions.node,
    v8: process.versions.v8,
    openssl: process.versions.openssl,
    loadAverageAtStart: os.loadavg(),
  };
}

/** Reads the version of each reported package from the package.json that node_modules links to. */
export function installedVersions(): Record<string, string> {
  const versions: Record<string, string> = {};

  for (const name of reportedPackages) {
    try {
      const manifest = JSON.parse(readFileSync(`${packageRoot}/node_modules/${name}/package.json`, 'utf8')) as { version?: string };
      versions[name] = manifest.version ?? 'unknown';
    } catch {
      versions[name] = 'not installed';
    }
  }

  return versions;
}

/** Returns the commit of the working tree, marked when packages/ has uncommitted changes, since the suites run latchkey from source. */
export function latchkeyRevision(): string {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: packageRoot, encoding: 'utf8' }).trim();
    const changes = execFileSync('git', ['status', '--porcelain', '--', '../packages'], { cwd: packageRoot, encoding: 'utf8' }).trim();

    return changes === '' ? commit : `${commit} with uncommitted changes in packages/`;
  } catch {
    return 'unknown (not a git checkout)';
  }
}
