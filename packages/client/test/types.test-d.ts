import { expectTypeOf, test } from 'vitest';
import type { LatchkeyClient, LockManagerLike, TokenChannel, TokenProvider } from '@latchkey/client';

test('browser objects fit the options', () => {
  expectTypeOf<LockManager>().toExtend<LockManagerLike>();
  expectTypeOf<BroadcastChannel>().toExtend<TokenChannel>();
});

test('client fetch matches global fetch', () => {
  expectTypeOf<LatchkeyClient['fetch']>().toExtend<typeof fetch>();
});

test('token provider results', () => {
  expectTypeOf<() => Promise<string>>().toExtend<TokenProvider>();
  expectTypeOf<() => Promise<{ token: string; expiresIn: number }>>().toExtend<TokenProvider>();
  expectTypeOf<() => Promise<null>>().toExtend<TokenProvider>();
  expectTypeOf<() => Promise<number>>().not.toExtend<TokenProvider>();
});
