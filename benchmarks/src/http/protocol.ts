import type { ServerAuthConfig, ServerVariant } from './apps/types.js';

/** Launch settings that the parent passes to a server process as JSON in the BENCH_SERVER environment variable. */
export interface ServerLaunch {
  variant: ServerVariant;
  auth: ServerAuthConfig;
  /** The process exits by itself after this many milliseconds, in case the parent never stops it. */
  maxLifetimeMilliseconds: number;
}

export interface MemorySample {
  rss: number;
  heapUsed: number;
}

/** Messages from a server process to the parent over the IPC channel. */
export type ServerMessage =
  | { type: 'ready'; port: number }
  | { type: 'failed'; message: string }
  | { type: 'memory'; sample: MemorySample };

/** Messages from the parent to a server process. */
export type ParentMessage = { type: 'memory' } | { type: 'stop' };

export const launchVariable = 'BENCH_SERVER';
