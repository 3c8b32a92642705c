import type { FormEvent } from 'react';
import { useEffect, useRef, useState } from 'react';
import { ApiError, post } from '../api/client';
import type { Session } from '../api/types';
import { clockTime, countdown } from '../format';

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
  // A throttle or lock-out: the node takes no attempt as this user from this address before then
  // (another user name may still be let in: the node says).
  const [refused, setRefused] = useState<{ name: string; retryAt: Date } | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const nameInput = useRef<HTMLInputElement>(null);

  useEffect(() => {
    document.title = 'Sign in — openucm Administration';
    nameInput.current?.focus();
  }, []);

  useEffect(() => {
    if (!refused) return;
    const tick = setInterval(() => {
      setNow(Date.now());
      if (Date.now() >= refused.retryAt.getTime()) setRefused(null);
    }, 1000);
    return () => clearInterval(tick);
  }, [refused]);

  const retryAt = refused?.retryAt ?? null;
  const waiting = retryAt !== null && refused?.name === name && retryAt.getTime() > now;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (waiting) return;
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await post<Session>('/login', { name, password }));
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
      if (err instanceof ApiError && err.status === 429 && err.retryAt) {
        setNow(Date.now());
        setRefused({ name, retryAt: err.retryAt });
      }
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
          <div className="banner banner-error" role="alert">
            <p>{error}</p>
            {waiting && (
              <p>
                You can sign in again from here at {clockTime(retryAt)} your time (in{' '}
                {countdown(retryAt.getTime() - now)}).
              </p>
            )}
          </div>
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
        <button type="submit" className="primary" disabled={busy || waiting}>
          {busy ? 'Signing in…' : waiting ? `Wait ${countdown(retryAt.getTime() - now)}` : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
