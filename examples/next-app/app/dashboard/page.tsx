import { redirect } from 'next/navigation';
import { auth } from '@/lib/auth';

export default async function DashboardPage() {
  // Same request as the layout: the token is verified once for both calls.
  const claims = await auth.getClaims();
  if (claims === null) redirect('/sign-in?returnTo=%2Fdashboard');

  return (
    <main>
      <h1>Dashboard</h1>
      <p>Your verified claims:</p>
      <pre id="claims">{JSON.stringify(claims, null, 2)}</pre>
    </main>
  );
}
