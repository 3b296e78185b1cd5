import { readTokenTimes } from './jwt.js';

/** A token the client holds, with its lifetime converted to local clock times. */
export interface HeldToken {
  readonly value: string;
  /** Local time in milliseconds when the token expires, or undefined when its lifetime is unknown. */
  readonly expiresAt: number | undefined;
  /** Local time in milliseconds from which a request first obtains a new token. */
  readonly refreshAt: number | undefined;
  /** Whole lifetime in milliseconds, which sets the refresh margin. */
  readonly lifetimeMs: number | undefined;
  /** Whether an API rejected this token with `invalid_token`. */
  rejected: boolean;
  /** Whether this token was obtained to replace a rejected token and no API has accepted it yet. */
  replacesRejected: boolean;
}

/** A token with its lifetime, as a token provider or another tab supplies it. */
export interface TokenGrant {
  token: string;
  /** Remaining lifetime in seconds when received. */
  expiresIn?: number;
  /** Whole lifetime in seconds, used for the refresh margin. */
  lifetime?: number;
}

const minimumRefreshMarginMs = 30_000;
const refreshMarginShare = 0.1;

// RFC 6750 §2.1 b64token, which is what a Bearer credential may contain.
const bearerTokenPattern = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * Converts a grant received at local time `receivedAt` into a held token. The remaining lifetime
 * is `expiresIn` when given, otherwise `exp - iat` of the JWT. Both are issuer time spans, so
 * adding them to the local receive time makes the client's clock skew irrelevant.
 *
 * A request refreshes once the remaining lifetime is at most max(30 s, 10 % of the lifetime).
 */
export function holdToken(grant: TokenGrant, receivedAt: number): HeldToken {
  const { remainingMs, lifetimeMs } = lifetimeOf(grant, receivedAt);
  const expiresAt = remainingMs === undefined ? undefined : receivedAt + remainingMs;
  const refreshAt = expiresAt === undefined || lifetimeMs === undefined ? undefined : expiresAt - refreshMarginMs(lifetimeMs);

  return { value: grant.token, expiresAt, refreshAt, lifetimeMs, rejected: false, replacesRejected: false };
}

/** Remaining and whole lifetime of a held token at local time `now`, for sharing it with other tabs. */
export function grantOf(held: HeldToken, now: number): TokenGrant {
  if (held.expiresAt === undefined) return { token: held.value };

  const expiresIn = Math.max(0, held.expiresAt - now) / 1000;
  if (held.lifetimeMs === undefined) return { token: held.value, expiresIn };
  return { token: held.value, expiresIn, lifetime: held.lifetimeMs / 1000 };
}

/** Checks that a provider's token can be sent in an `Authorization: Bearer` header. */
export function checkTokenResult(result: unknown): TokenGrant | null {
  if (result === null) return null;

  const grant = typeof result === 'string' ? { token: result } : result;
  if (typeof grant !== 'object' || grant === null || !('token' in grant) || typeof grant.token !== 'string') {
    throw new TypeError(`The token provider resolved to ${describeValue(result)}. Resolve to a token string, { token, expiresIn? } or null when signed out.`);
  }

  if (!bearerTokenPattern.test(grant.token)) {
    throw new TypeError('The token provider resolved to a token that is not a valid Bearer credential (RFC 6750 b64token). Return the access token exactly as issued.');
  }

  const expiresIn: unknown = 'expiresIn' in grant ? grant.expiresIn : undefined;
  if (expiresIn !== undefined && (typeof expiresIn !== 'number' || !Number.isFinite(expiresIn) || expiresIn <= 0)) {
    throw new TypeError(`The token provider resolved to expiresIn ${describeValue(expiresIn)}. Pass the remaining lifetime in seconds as a positive number, or leave it out.`);
  }

  return expiresIn === undefined ? { token: grant.token } : { token: grant.token, expiresIn };
}

function lifetimeOf(grant: TokenGrant, receivedAt: number): { remainingMs: number | undefined; lifetimeMs: number | undefined } {
  const { exp, iat } = readTokenTimes(grant.token);
  const issuedLifetime = exp !== undefined && iat !== undefined && exp > iat ? exp - iat : undefined;

  // NOTE: a token with `exp` but no `iat` and no `expiresIn` can only be timed against the local
  // clock, so a skewed client clock moves its refresh time.
  const localRemaining = exp === undefined ? undefined : exp - receivedAt / 1000;

  const remaining = grant.expiresIn ?? issuedLifetime ?? localRemaining;
  const lifetime = grant.lifetime ?? issuedLifetime ?? remaining;

  return { remainingMs: toMs(remaining), lifetimeMs: toMs(lifetime) };
}

/**
 * Returns max(30 s, 10 % of the lifetime), capped at half the lifetime. Without the cap, a token
 * shorter than 60 s would be due as soon as it arrives, and every request would refresh.
 */
function refreshMarginMs(lifetimeMs: number): number {
  const margin = Math.max(minimumRefreshMarginMs, lifetimeMs * refreshMarginShare);
  return Math.min(margin, lifetimeMs / 2);
}

function toMs(seconds: number | undefined): number | undefined {
  return seconds === undefined ? undefined : Math.max(0, seconds * 1000);
}

/** Names the kind of a value without printing it, because it may contain a token. */
function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object without a string "token"';
  if (typeof value === 'number') return String(value);
  return `a value of type ${typeof value}`;
}
