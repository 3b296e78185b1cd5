export { createClient } from './client.js';
export { betterAuthSignOut, betterAuthTokenProvider, type BetterAuthOptions } from './better-auth.js';
export { parseBearerChallenge, type BearerChallenge } from './challenge.js';
export { AuthEndpointError, NotReplayableError, SignOutError, TokenRefreshError } from './errors.js';
export type {
  AccessToken,
  ClientOptions,
  ClientState,
  Clock,
  LatchkeyClient,
  LockManagerLike,
  StateChange,
  TokenChannel,
  TokenProvider,
  TokenResult,
} from './types.js';
