// Copied verbatim from packages/core/README.md; readme.test.ts checks that it stays identical.

declare module '@latchkey/core' {
  interface LatchkeyClaims {
    tenant_id: string;
  }
}

export {};
