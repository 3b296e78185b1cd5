'use client';

import type { ClientState, LatchkeyClient } from '@latchkey/client';
import Link from 'next/link';
import { useEffect, useState } from 'react';
import { type ApiTarget, type CallResult, callMe, createApiClient, revokeAndSignOut } from './api-calls';

/** Calls both APIs through `@latchkey/client` and shows each result, the client state and its refreshes. */
export function Dashboard({ apis }: { apis: ApiTarget[] }) {
  const [client, setClient] = useState<LatchkeyClient>();
  const [state, setState] = useState<ClientState>('signed_out');
  const [refreshes, setRefreshes] = useState(0);
  const [results, setResults] = useState<CallResult[]>([]);
  const [failedCalls, setFailedCalls] = useState(0);
  const [rounds, setRounds] = useState(0);
  const [message, setMessage] = useState<string>();
  // The effect below depends on the API list's content, not on the identity of the array.
  const apisJson = JSON.stringify(apis);

  useEffect(() => {
    const created = createApiClient(JSON.parse(apisJson) as ApiTarget[]);
    const unsubscribe = created.subscribe(({ current }) => {
      setState(current);
      if (current === 'refreshing') setRefreshes((count) => count + 1);
    });
    setClient(created);

    // Fetches the first token, or finds that there is no session.
    created.getToken().catch((error: unknown) => setMessage(`Getting a token failed: ${String(error)}`));
    return () => {
      unsubscribe();
      created.dispose();
    };
  }, [apisJson]);

  async function callApis() {
    if (client === undefined) return;

    const calls = await Promise.all(apis.map((api) => callMe(client, api)));
    setResults(calls);
    setRounds((count) => count + 1);
    setFailedCalls((count) => count + calls.filter((call) => call.status === 0 || call.status >= 400).length);
  }

  async function signOut() {
    if (client === undefined) return;

    try {
      const failures = await revokeAndSignOut(client, apis);
      setMessage(failures.length > 0 ? failures.join(' ') : 'Signed out: the token was revoked at both APIs and the session ended.');
    } catch (error) {
      setMessage(`Sign-out failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  return (
    <section>
      <p>
        Client state: <strong id="client-state">{state}</strong>, token refreshes: <span id="refresh-count">{refreshes}</span>, failed calls:{' '}
        <span id="failed-calls">{failedCalls}</span>, call rounds: <span id="call-rounds">{rounds}</span>
      </p>
      {state === 'signed_out' && (
        <p>
          <Link href="/sign-in">Sign in</Link> to get a token.
        </p>
      )}
      <p>
        <button type="button" id="call-apis" disabled={client === undefined} onClick={callApis}>
          Call both APIs
        </button>{' '}
        <button type="button" id="sign-out" disabled={client === undefined} onClick={signOut}>
          Sign out
        </button>
      </p>
      {message !== undefined && <p id="message">{message}</p>}
      <table id="results">
        <thead>
          <tr>
            <th>API</th>
            <th>Status</th>
            <th>Subject or code</th>
          </tr>
        </thead>
        <tbody>
          {results.map((result) => (
            <tr key={result.api} data-api={result.api} data-status={result.status}>
              <td>{result.api}</td>
              <td>{result.status}</td>
              <td>{result.subject ?? result.code ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
