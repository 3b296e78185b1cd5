import { getAuth } from '../../../../lib/auth';

/** Better Auth's endpoints: sign-up, sign-in, sign-out, session, `/token` and `/jwks`. */
async function handle(request: Request): Promise<Response> {
  const auth = await getAuth();
  return auth.handler(request);
}

export const GET = handle;
export const POST = handle;
