import type * as NodeCrypto from 'node:crypto';

/**
 * Returns `node:crypto` on Node.js, or undefined on Web Crypto runtimes such as the Next.js Edge
 * runtime. `process.getBuiltinModule` (Node 20.16+) loads it without an import that bundlers for
 * those runtimes would reject.
 */
export function loadNodeCrypto(): typeof NodeCrypto | undefined {
  const processObject = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const load = processObject?.getBuiltinModule;
  if (typeof load !== 'function') return undefined;

  try {
    return load.call(processObject, 'node:crypto') as typeof NodeCrypto | undefined;
  } catch {
    // The Next.js Edge sandbox defines process.getBuiltinModule as a stub that throws.
    return undefined;
  }
}
