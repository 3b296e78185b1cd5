import Link from 'next/link';

export default function HomePage() {
  return (
    <main>
      <h1>latchkey with Better Auth</h1>
      <p>
        Better Auth signs you in and issues short-lived EdDSA access tokens. An Express API and a Fastify API verify them with latchkey, and the
        dashboard calls both through <code>@latchkey/client</code>, which refreshes the token before it expires.
      </p>
      <ul>
        <li>
          <Link href="/sign-up">Create an account</Link>
        </li>
        <li>
          <Link href="/sign-in">Sign in</Link>
        </li>
        <li>
          <Link href="/dashboard">Dashboard</Link>
        </li>
      </ul>
    </main>
  );
}
