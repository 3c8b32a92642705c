import type { FormEvent } from 'react';
import { useEffect, useState } from 'react';
import { ApiError, del, get, patch, post } from '../api/client';
import type { Role, User } from '../api/types';
import { Field, Loading, Notice, PageTitle, SelectField } from '../components/ui';
import { dateTime } from '../format';
import { useLoad } from '../hooks';
import { useSession } from '../session';

type Result = { kind: 'ok' | 'error'; text: string; field?: string } | null;

function describe(err: unknown): { text: string; field?: string } {
  return err instanceof ApiError ? { text: err.message, field: err.field } : { text: String(err) };
}

/** User Management > Users: administrators and read-only users, lock-outs, passwords. */
export function UsersPage() {
  const { canChange, session } = useSession();
  const users = useLoad(() => get<User[]>('/users'), 'users');
  const [result, setResult] = useState<Result>(null);
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('read-only');
  const [password, setPassword] = useState('');
  const [pwUser, setPwUser] = useState('');
  const [pwValue, setPwValue] = useState('');
  useEffect(() => {
    document.title = 'Users — openucm';
  }, []);

  const act = async (work: () => Promise<unknown>, ok: string) => {
    try {
      await work();
      setResult({ kind: 'ok', text: ok });
      users.reload();
      return true;
    } catch (err) {
      setResult({ kind: 'error', ...describe(err) });
      return false;
    }
  };
  const create = async (e: FormEvent) => {
    e.preventDefault();
    if (
      await act(
        () => post('/users', { name: name.trim(), role, password }),
        `User ${name.trim()} created (${role}).`,
      )
    ) {
      setName('');
      setPassword('');
    }
  };
  const setUserPassword = async (e: FormEvent) => {
    e.preventDefault();
    if (
      await act(
        () => patch(`/users/${encodeURIComponent(pwUser)}`, { password: pwValue }),
        `Password of ${pwUser} set; the user's sessions ended.`,
      )
    )
      setPwValue('');
  };
  const fieldError = (f: string) => (result?.kind === 'error' && result.field === f ? result.text : null);

  return (
    <>
      <PageTitle>Users</PageTitle>
      <p className="muted">
        <strong>admin</strong> changes everything; <strong>read-only</strong> sees everything and changes
        nothing. Scripts sign in with HTTP Basic or an API key.
      </p>
      {result && (result.kind === 'ok' || !result.field) && <Notice kind={result.kind}>{result.text}</Notice>}
      <Loading error={users.error} loading={users.loading && !users.data} />
      {users.data && (
        <table className="grid-table">
          <thead>
            <tr>
              <th scope="col">User</th>
              <th scope="col">Role</th>
              <th scope="col">Created</th>
              <th scope="col">Sign-in</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {users.data.map((u) => {
              const locked = u.lockedUntil !== null && new Date(u.lockedUntil) > new Date();
              return (
                <tr key={u.name}>
                  <td>
                    {u.name}
                    {u.name === session.user.name && <span className="muted"> (you)</span>}
                  </td>
                  <td>
                    <label className="visually-hidden" htmlFor={`role-${u.name}`}>
                      Role of {u.name}
                    </label>
                    <select
                      id={`role-${u.name}`}
                      value={u.role}
                      disabled={!canChange}
                      onChange={(e) =>
                        act(
                          () => patch(`/users/${encodeURIComponent(u.name)}`, { role: e.target.value }),
                          `${u.name} is now ${e.target.value}.`,
                        )
                      }
                    >
                      <option value="admin">admin</option>
                      <option value="read-only">read-only</option>
                    </select>
                  </td>
                  <td>{dateTime(u.createdAt)}</td>
                  <td>
                    {u.lockouts.length === 0
                      ? 'ok'
                      : u.lockouts.map((l) =>
                          l.lockedUntil !== null && new Date(l.lockedUntil) > new Date() ? (
                            <div key={l.address}>
                              <span className="badge badge-rejected">
                                locked out from {l.address} until {dateTime(l.lockedUntil)}
                              </span>
                            </div>
                          ) : (
                            <div key={l.address}>
                              {l.failures} failed attempt{l.failures === 1 ? '' : 's'} from {l.address}
                            </div>
                          ),
                        )}
                  </td>
                  <td className="actions">
                    {locked && (
                      <button
                        type="button"
                        disabled={!canChange}
                        onClick={() =>
                          act(
                            () => patch(`/users/${encodeURIComponent(u.name)}`, { unlock: true }),
                            `${u.name} unlocked.`,
                          )
                        }
                      >
                        Unlock
                      </button>
                    )}
                    <button
                      type="button"
                      className="danger"
                      disabled={!canChange || u.name === session.user.name}
                      onClick={() =>
                        window.confirm(`Delete user ${u.name}? Its sessions and API keys end.`) &&
                        act(() => del(`/users/${encodeURIComponent(u.name)}`), `User ${u.name} deleted.`)
                      }
                    >
                      Delete
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <form className="form" onSubmit={create}>
        <fieldset disabled={!canChange}>
          <legend>Add a user</legend>
          <Field
            label="User name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            error={fieldError('name')}
            autoComplete="off"
            required
          />
          <SelectField label="Role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
            <option value="read-only">read-only</option>
            <option value="admin">admin</option>
          </SelectField>
          <Field
            label="Password"
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            error={fieldError('password')}
            hint="At least 8 characters, not the user name."
            required
          />
          <div className="toolbar">
            <button type="submit" className="primary">
              Add user
            </button>
          </div>
        </fieldset>
      </form>
      <form className="form" onSubmit={setUserPassword}>
        <fieldset disabled={!canChange}>
          <legend>Set a user’s password</legend>
          <SelectField label="User" value={pwUser} onChange={(e) => setPwUser(e.target.value)} required>
            <option value="">Choose…</option>
            {users.data?.map((u) => (
              <option key={u.name}>{u.name}</option>
            ))}
          </SelectField>
          <Field
            label="New password"
            type="password"
            autoComplete="new-password"
            value={pwValue}
            onChange={(e) => setPwValue(e.target.value)}
            required
          />
          <div className="toolbar">
            <button type="submit">Set password</button>
          </div>
        </fieldset>
      </form>
    </>
  );
}
