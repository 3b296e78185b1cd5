import { systemClock } from './clock.js';
import type { ClientOptions, Clock, LockManagerLike, TokenChannel, TokenProvider } from './types.js';

/** Checked options with defaults filled in. */
export interface Settings {
  tokenProvider: TokenProvider;
  signOut: (() => Promise<void>) | undefined;
  fetch: typeof fetch;
  clock: Clock;
  lock: LockManagerLike | null;
  channel: TokenChannel | null;
  /** Closes `channel` when the client created it. */
  closeChannel: (() => void) | undefined;
  tabSyncName: string;
  tabSyncTimeoutMs: number;
  /** Origins that receive the token, or null for every origin. */
  origins: ReadonlySet<string> | null;
  refreshAttempts: number;
  refreshBackoffMs: number;
  maxRefreshBackoffMs: number;
  maxRetryAfterMs: number;
  rejectionCooldownMs: number;
}

const defaultTabSyncName = 'latchkey-client';

/** Checks `createClient` options and fills in defaults. Throws a TypeError that names the option and the fix. */
export function resolveSettings(options: ClientOptions): Settings {
  if (typeof options?.tokenProvider !== 'function') {
    throw new TypeError('createClient: option tokenProvider is missing. Pass a function that resolves to a token, such as betterAuthTokenProvider({ baseURL }).');
  }

  checkOptionalFunction('signOut', options.signOut);
  checkOptionalFunction('fetch', options.fetch);

  const tabSyncName = options.tabSyncName ?? defaultTabSyncName;
  if (typeof tabSyncName !== 'string' || tabSyncName === '') {
    throw new TypeError('createClient: option tabSyncName must be a non-empty string. Leave it out to use "latchkey-client".');
  }

  const { channel, closeChannel } = resolveChannel(options.channel, tabSyncName);
  const refreshBackoffMs = duration('refreshBackoffMs', options.refreshBackoffMs, 1000);

  return {
    tokenProvider: options.tokenProvider,
    signOut: options.signOut,
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    clock: options.clock ?? systemClock,
    lock: options.lock === undefined ? browserLock() : options.lock,
    channel,
    closeChannel,
    tabSyncName,
    tabSyncTimeoutMs: duration('tabSyncTimeoutMs', options.tabSyncTimeoutMs, 1000),
    origins: resolveOrigins(options.origins),
    refreshAttempts: wholeNumber('refreshAttempts', options.refreshAttempts, 4),
    refreshBackoffMs,
    maxRefreshBackoffMs: Math.max(refreshBackoffMs, duration('maxRefreshBackoffMs', options.maxRefreshBackoffMs, 30_000)),
    maxRetryAfterMs: duration('maxRetryAfterMs', options.maxRetryAfterMs, 30_000),
    rejectionCooldownMs: duration('rejectionCooldownMs', options.rejectionCooldownMs, 30_000),
  };
}

/** Returns whether a request to `url` gets the token. */
export function receivesToken(settings: Settings, url: string): boolean {
  return settings.origins === null || settings.origins.has(new URL(url).origin);
}

// Tabs share tokens only in browser documents. In a server runtime one process may serve several
// users, so sharing a default channel or lock there would mix their sessions.
function inBrowserDocument(): boolean {
  return typeof document !== 'undefined' && typeof navigator !== 'undefined';
}

function browserLock(): LockManagerLike | null {
  if (!inBrowserDocument() || navigator.locks === undefined) return null;
  return navigator.locks as LockManagerLike;
}

function resolveChannel(channel: TokenChannel | null | undefined, name: string): { channel: TokenChannel | null; closeChannel: (() => void) | undefined } {
  if (channel !== undefined) return { channel, closeChannel: undefined };
  if (!inBrowserDocument() || typeof BroadcastChannel === 'undefined') return { channel: null, closeChannel: undefined };

  const created = new BroadcastChannel(name);
  return { channel: created, closeChannel: () => created.close() };
}

function resolveOrigins(origins: readonly string[] | undefined): ReadonlySet<string> | null {
  if (origins === undefined) return null;

  if (!Array.isArray(origins) || origins.length === 0) {
    throw new TypeError('createClient: option origins must be a non-empty array of origins such as "https://api.example.com". Leave it out to send the token with every request.');
  }

  return new Set(origins.map(originOf));
}

function originOf(value: unknown): string {
  const origin = typeof value === 'string' ? parseOrigin(value) : 'null';

  if (origin === 'null') {
    throw new TypeError(`createClient: option origins contains ${JSON.stringify(value)}, which is not an http or https origin. Write it as "https://api.example.com".`);
  }
  return origin;
}

/** Returns the URL's origin, or `'null'` (as URL does for opaque origins) when it is not a URL. */
function parseOrigin(value: string): string {
  try {
    return new URL(value).origin;
  } catch {
    return 'null';
  }
}

function checkOptionalFunction(name: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'function') {
    throw new TypeError(`createClient: option ${name} must be a function, not ${typeof value}. Leave it out to use the default.`);
  }
}

function duration(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;

  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new TypeError(`createClient: option ${name} must be a number of milliseconds, 0 or more, not ${String(value)}. Leave it out for the default of ${fallback}.`);
  }
  return value;
}

function wholeNumber(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;

  if (!Number.isInteger(value) || value < 1) {
    throw new TypeError(`createClient: option ${name} must be a whole number of at least 1, not ${String(value)}. Leave it out for the default of ${fallback}.`);
  }
  return value;
}
