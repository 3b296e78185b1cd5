'use server';

import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { auth } from '@/lib/auth';

interface TokenResponse {
  access_token: string;
  expires_in: number;
}

/**
 * Development sign-in: requests a token from the local token endpoint that `pnpm dev` starts and
 * stores it in the token cookie. In production, sign users in with your identity provider and
 * call auth.setTokenCookie in the route handler of its callback instead.
 */
export async function signIn(formData: FormData): Promise<void> {
  const tokenUrl = process.env['LATCHKEY_DEV_TOKEN_URL'];
  if (tokenUrl === undefined || tokenUrl === '') {
    throw new Error('LATCHKEY_DEV_TOKEN_URL is not set. Run "pnpm dev", which starts a local token endpoint, or connect your identity provider.');
  }

  const response = await fetch(tokenUrl, { method: 'POST', cache: 'no-store' });
  if (!response.ok) throw new Error(`The development token endpoint ${tokenUrl} returned status ${response.status}.`);
  const token = (await response.json()) as TokenResponse;

  auth.setTokenCookie(await cookies(), token.access_token, { maxAge: token.expires_in });
  redirect(safeReturnPath(formData.get('returnTo')));
}

/** Signs out by expiring the token cookie. */
export async function signOut(): Promise<void> {
  auth.clearTokenCookie(await cookies());
  redirect('/');
}

/** Accepts only a path on this site, so the parameter cannot send users elsewhere. */
function safeReturnPath(value: FormDataEntryValue | null): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/dashboard';
  return value;
}
