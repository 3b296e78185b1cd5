'use client';

import { createAuthClient } from 'better-auth/client';
import { useRouter } from 'next/navigation';
import { type FormEvent, useState } from 'react';

// Better Auth runs on this app's own origin, so the client needs no base URL.
const authClient = createAuthClient();

/** Sign-up or sign-in form for email and password. On success it opens the dashboard. */
export function CredentialsForm({ mode }: { mode: 'sign-up' | 'sign-in' }) {
  const router = useRouter();
  const [error, setError] = useState<string>();
  const [pending, setPending] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get('email'));
    const password = String(form.get('password'));

    setPending(true);
    const result = mode === 'sign-up' ? await authClient.signUp.email({ email, password, name: String(form.get('name')) }) : await authClient.signIn.email({ email, password });
    setPending(false);

    if (result.error) {
      setError(`${mode === 'sign-up' ? 'Sign-up' : 'Sign-in'} failed: ${result.error.message ?? result.error.statusText}`);
      return;
    }
    router.push('/dashboard');
  }

  return (
    <form onSubmit={submit} style={{ display: 'grid', gap: '0.5rem', maxWidth: '20rem' }}>
      {mode === 'sign-up' && (
        <label>
          Name <input name="name" id="name" required autoComplete="name" />
        </label>
      )}
      <label>
        Email <input name="email" id="email" type="email" required autoComplete="email" />
      </label>
      <label>
        Password <input name="password" id="password" type="password" required minLength={8} autoComplete={mode === 'sign-up' ? 'new-password' : 'current-password'} />
      </label>
      <button type="submit" id="submit" disabled={pending}>
        {mode === 'sign-up' ? 'Create account' : 'Sign in'}
      </button>
      {error !== undefined && (
        <p id="form-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
