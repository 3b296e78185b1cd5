import type { ReactNode } from 'react';
import { redirect } from 'next/navigation';
import { auth } from '@/lib/auth';
import { signOut } from '../sign-in/actions';

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  // The proxy already redirected anonymous navigations; this check keeps the page closed
  // when a request reaches it without the proxy.
  const claims = await auth.getClaims();
  if (claims === null) redirect('/sign-in?returnTo=%2Fdashboard');

  return (
    <section>
      <header>
        Signed in as <strong id="subject">{claims.sub}</strong>
        <form action={signOut} style={{ display: 'inline', marginLeft: '1rem' }}>
          <button type="submit">Sign out</button>
        </form>
      </header>
      {children}
    </section>
  );
}
