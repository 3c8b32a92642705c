import type { FormEvent } from 'react';
import { useEffect, useState } from 'react';
import { ApiError, put } from '../api/client';
import { Field, Notice, PageTitle } from '../components/ui';
import { useSession } from '../session';

export function ChangePasswordPage() {
  const { session } = useSession();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<{ field?: string; message: string } | null>(null);
  const [done, setDone] = useState(false);
  useEffect(() => {
    document.title = 'Change password — openucm';
  }, []);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setDone(false);
    if (next !== confirm) {
      setError({ field: 'confirm', message: 'the two new passwords differ' });
      return;
    }
    try {
      await put('/me/password', { currentPassword: current, newPassword: next });
      setError(null);
      setDone(true);
      setCurrent('');
      setNext('');
      setConfirm('');
    } catch (err) {
      setError(
        err instanceof ApiError ? { field: err.field, message: err.message } : { message: String(err) },
      );
    }
  };
  const fieldError = (f: string) => (error?.field === f ? error.message : null);

  return (
    <>
      <PageTitle>Change password</PageTitle>
      <p>
        Signed in as <strong>{session.user.name}</strong>. At least 8 characters, not your user name. Your
        other sessions end when the password changes.
      </p>
      {done && <Notice kind="ok">Password changed.</Notice>}
      {error && !error.field && <Notice kind="error">{error.message}</Notice>}
      <form onSubmit={submit} className="form">
        <Field
          label="Current password"
          type="password"
          autoComplete="current-password"
          value={current}
          onChange={(e) => setCurrent(e.target.value)}
          error={fieldError('currentPassword')}
          required
        />
        <Field
          label="New password"
          type="password"
          autoComplete="new-password"
          value={next}
          onChange={(e) => setNext(e.target.value)}
          error={fieldError('newPassword')}
          required
        />
        <Field
          label="Confirm new password"
          type="password"
          autoComplete="new-password"
          value={confirm}
          onChange={(e) => setConfirm(e.target.value)}
          error={fieldError('confirm')}
          required
        />
        <div className="toolbar">
          <button type="submit" className="primary">
            Save
          </button>
        </div>
      </form>
    </>
  );
}
