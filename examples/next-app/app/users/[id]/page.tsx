import { redirect } from 'next/navigation';
import { auth } from '@/lib/auth';

export default async function UserPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const identity = await auth.getAuth();
  if (identity === null) redirect(`/sign-in?returnTo=${encodeURIComponent(`/users/${id}`)}`);

  return (
    <main>
      <h1>User {id}</h1>
      <p id="viewer">Viewed by {identity.claims.sub}</p>
    </main>
  );
}
