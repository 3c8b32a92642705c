import type { FormEvent } from 'react';
import { useEffect, useRef, useState } from 'react';
import { ApiError, post } from '../api/client';
import type { Session } from '../api/types';

export function LoginPage({
  message,
  onSignedIn,
}: {
  message: string | null;
  onSignedIn: (s: Session) => void;
}) {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const nameInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    document.title = 'Sign in — openucm Administration';
    nameInput.current?.focus();
  }, []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await post<Session>('/login', { name, password }));
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="login">
      <form className="login-box" onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title">
          openucm <span className="brand-sub">Administration</span>
        </h1>
        <p className="muted">
          Call manager for Cisco IP phones. Sign in with an openucm user, e.g. CCMAdministrator.
        </p>
        {message && !error && (
          <p className="banner banner-info" role="status">
            {message}
          </p>
        )}
        {error && (
          <p className="banner banner-error" role="alert">
            {error}
          </p>
        )}
        <label htmlFor="login-name">User name</label>
        <input
          id="login-name"
          ref={nameInput}
          name="username"
          autoComplete="username"
          value={name}
          onChange={(e) => setName(e.target.value)}
          required
        />
        <label htmlFor="login-password">Password</label>
        <input
          id="login-password"
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
        />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
