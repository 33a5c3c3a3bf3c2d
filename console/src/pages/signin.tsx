import { useState, type FormEvent } from 'react';
import { ApiError, login, setToken, whoAmI, type Principal } from '../api.ts';

export function SignIn({ onSignedIn, userAccounts }: { onSignedIn(p: Principal): void; userAccounts: boolean }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const run = async (e: FormEvent, how: () => Promise<Principal>) => {
    e.preventDefault();
    setBusy(true); setError(null);
    try { onSignedIn(await how()); } catch (err) {
      setToken(null);
      setError(err instanceof ApiError && err.status === 401 ? 'Those credentials were not accepted.' : (err as Error).message);
    } finally { setBusy(false); }
  };

  return (
    <div className="signin">
      <h1>Braid</h1>
      <p className="muted">Sign in to the console.</p>
      {userAccounts ? (
        <form onSubmit={(e) => run(e, () => login(email, password))} aria-label="Sign in with your account">
          <label>Email<input name="email" type="email" autoComplete="username" value={email} onChange={(e) => setEmail(e.target.value)} required /></label>
          <label>Password<input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required /></label>
          <button type="submit" disabled={busy}>Sign in</button>
        </form>
      ) : null}
      <form onSubmit={(e) => run(e, () => { setToken(key.trim()); return whoAmI(); })} aria-label="Sign in with the admin key">
        <label>Admin key<input name="adminKey" type="password" autoComplete="off" value={key} onChange={(e) => setKey(e.target.value)} required /></label>
        <button type="submit" disabled={busy}>Sign in with the admin key</button>
      </form>
      {error ? <div className="error" role="alert">{error}</div> : null}
      <p className="muted small">Braid prints its admin key when it starts (and keeps it in <code>.braid/keys.json</code>).</p>
    </div>
  );
}
