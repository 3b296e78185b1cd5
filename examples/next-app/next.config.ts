import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // Keeps `next dev` from writing AGENTS.md into the example.
  agentRules: false,
  experimental: { agentUpgrade: false },
};

export default nextConfig;
