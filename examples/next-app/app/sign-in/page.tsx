import { signIn } from './actions';

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ returnTo?: string | string[] }> }) {
  const { returnTo } = await searchParams;

  return (
    <main>
      <h1>Sign in</h1>
      <p>Development sign-in with the local issuer: the token is stored in an HttpOnly cookie.</p>
      <form action={signIn}>
        <input type="hidden" name="returnTo" value={typeof returnTo === 'string' ? returnTo : '/dashboard'} />
        <button type="submit" id="sign-in">
          Sign in as the test user
        </button>
      </form>
    </main>
  );
}
