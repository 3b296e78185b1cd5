import Link from 'next/link';

export default function HomePage() {
  return (
    <main>
      <h1>latchkey Next.js example</h1>
      <p>This page is public.</p>
      <ul>
        <li>
          <Link href="/dashboard" id="dashboard-link">
            Dashboard
          </Link>{' '}
          (protected: shows your claims)
        </li>
        <li>
          <Link href="/reports">Reports</Link> (protected by the proxy only)
        </li>
        <li>
          <Link href="/sign-in">Sign in</Link>
        </li>
      </ul>
    </main>
  );
}
