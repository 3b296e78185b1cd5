import Link from 'next/link';
import { CredentialsForm } from '../credentials-form';

export default function SignInPage() {
  return (
    <main>
      <h1>Sign in</h1>
      <CredentialsForm mode="sign-in" />
      <p>
        No account yet? <Link href="/sign-up">Create one</Link>
      </p>
    </main>
  );
}
