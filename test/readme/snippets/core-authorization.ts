// Copied verbatim from packages/core/README.md; readme.test.ts checks that it stays identical.

import { checkClaims, checkScopes, claimRequirement, scopeRequirement, type AuthInfo } from '@latchkey/core';

const canWrite = scopeRequirement(['write:items']);
const sameTenant = claimRequirement({ tenant_id: 'acme' });

export function authorizeWrite(auth: AuthInfo): void {
  checkScopes(auth, canWrite);
  checkClaims(auth, sameTenant);
}
