import Link from 'next/link';
import { CredentialsForm } from '../credentials-form';

export default function SignUpPage() {
  return (
    <main>
      <h1>Create an account</h1>
      <CredentialsForm mode="sign-up" />
      <p>
        Already registered? <Link href="/sign-in">Sign in</Link>
      </p>
    </main>
  );
}
