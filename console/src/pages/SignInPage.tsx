// Sign in with an API key. It is kept for this browser tab only (sessionStorage), never in a cookie.
import { useState } from 'react';
import { useSignIn } from '../api/session';
import { ProblemView } from '../components/states';

export function SignInPage() {
  const signIn = useSignIn();
  const [key, setKey] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  return (
    <main className="sign-in">
      <h1>Kairos</h1>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setBusy(true);
          setError(null);
          signIn(key.trim())
            .catch(setError)
            .finally(() => setBusy(false));
        }}
      >
        <label htmlFor="api-key">API key</label>
        <input
          id="api-key"
          type="password"
          autoComplete="off"
          autoFocus
          required
          value={key}
          onChange={(e) => setKey(e.target.value)}
        />
        <p className="muted">A key with the read scope sees; one with the admin scope also acts.</p>
        {error !== null && <ProblemView error={error} />}
        <button type="submit" className="primary" disabled={busy || !key.trim()}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
