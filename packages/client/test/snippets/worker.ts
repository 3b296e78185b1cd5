// A README snippet of @latchkey/client, checked by test/readme.test.ts. Node 20 has no
// navigator.locks, so the in-memory lock manager of the tests shadows it.
import { SharedLockManager } from '../support/lock-manager.js';

const navigator = { locks: new SharedLockManager() };

import { betterAuthTokenProvider, createClient } from '@latchkey/client';

const channel = new BroadcastChannel('latchkey-client');

export const workerApi = createClient({
  tokenProvider: betterAuthTokenProvider({ baseURL: 'https://auth.example.com' }),
  lock: navigator.locks,
  channel,
});

export { channel };
