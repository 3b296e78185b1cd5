import { fileURLToPath } from 'node:url';
import type { NextConfig } from 'next';

// The app imports the client package's source, so it runs without building the package first.
const clientSource = fileURLToPath(new URL('../../packages/client/src/index.ts', import.meta.url));

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // Keeps `next dev` from writing AGENTS.md into the example.
  agentRules: false,
  experimental: { agentUpgrade: false },
  transpilePackages: ['@latchkey/client'],
  serverExternalPackages: ['better-sqlite3'],
  turbopack: { resolveAlias: { '@latchkey/client': clientSource } },
};

export default nextConfig;
