// Copied verbatim from packages/core/README.md; readme.test.ts checks that it stays identical.

import { createVerifier, isLatchkeyError } from '@latchkey/core';

const verifier = createVerifier({
  issuer: 'https://auth.example.com/',
  audience: 'https://api.example.com',
  jwksUri: 'https://auth.example.com/.well-known/jwks.json',
});

export async function handle(request: Request): Promise<Response> {
  try {
    const auth = await verifier.authenticate({ authorization: request.headers.get('authorization') ?? undefined });
    return Response.json({ sub: auth.claims.sub, scopes: auth.scopes });
  } catch (error) {
    if (!isLatchkeyError(error)) throw error;
    const failure = verifier.render(error);
    return new Response(failure.body, { status: failure.status, headers: failure.headers });
  }
}
