// Copied verbatim from packages/core/README.md; readme.test.ts checks that it stays identical.

import { subscribe } from 'node:diagnostics_channel';
import { DIAGNOSTICS_CHANNEL, type KeySourceEvent } from '@latchkey/core';

const counts = new Map<string, number>();

subscribe(DIAGNOSTICS_CHANNEL, (message) => {
  const event = message as KeySourceEvent;
  counts.set(event.type, (counts.get(event.type) ?? 0) + 1);
  if (event.type.endsWith('_failed') || event.type === 'jwks_stale_used') {
    console.debug('latchkey key source', JSON.stringify(event));
  }
});

export function keySourceCounts(): ReadonlyMap<string, number> {
  return counts;
}
