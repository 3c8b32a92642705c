import type { FormEvent } from 'react';
import { useEffect, useState } from 'react';
import { ApiError, del, get, post } from '../api/client';
import type { ApiKey, User } from '../api/types';
import { Field, Loading, Notice, PageTitle, SelectField } from '../components/ui';
import { dateTime } from '../format';
import { useLoad } from '../hooks';
import { useSession } from '../session';

/** User Management > API Keys: keys for scripts, shown once, revocable. */
export function ApiKeysPage() {
  const { canChange, session } = useSession();
  const keys = useLoad(() => get<ApiKey[]>('/api-keys'), 'keys');
  const users = useLoad(() => get<User[]>('/users'), 'users');
  const [label, setLabel] = useState('');
  const [user, setUser] = useState(session.user.name);
  const [created, setCreated] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    document.title = 'API Keys — openucm';
  }, []);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const k = await post<ApiKey & { key: string }>('/api-keys', { label, user });
      setCreated(k.key);
      setError(null);
      setLabel('');
      keys.reload();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    }
  };
  const revoke = async (k: ApiKey) => {
    if (!window.confirm(`Revoke the key "${k.label}" of ${k.userName}? Scripts using it stop working.`))
      return;
    try {
      await del(`/api-keys/${k.id}`);
      keys.reload();
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    }
  };

  return (
    <>
      <PageTitle>API Keys</PageTitle>
      <p className="muted">
        A key acts as its user, with the user’s role. Send it as{' '}
        <code>Authorization: Bearer &lt;key&gt;</code> or <code>X-API-Key: &lt;key&gt;</code>.
      </p>
      {created && (
        <Notice kind="ok">
          Key created. Copy it now, it is not shown again: <code className="secret">{created}</code>
        </Notice>
      )}
      {error && <Notice kind="error">{error}</Notice>}
      <Loading error={keys.error} loading={keys.loading && !keys.data} />
      {keys.data && (
        <table className="grid-table">
          <thead>
            <tr>
              <th scope="col">Label</th>
              <th scope="col">User</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {keys.data.length === 0 && (
              <tr>
                <td colSpan={5} className="muted">
                  No API key.
                </td>
              </tr>
            )}
            {keys.data.map((k) => (
              <tr key={k.id}>
                <td>{k.label}</td>
                <td>{k.userName}</td>
                <td>{dateTime(k.createdAt)}</td>
                <td>{dateTime(k.lastUsedAt)}</td>
                <td>
                  <button type="button" className="danger" disabled={!canChange} onClick={() => revoke(k)}>
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form className="form" onSubmit={create}>
        <fieldset disabled={!canChange}>
          <legend>Create a key</legend>
          <Field
            label="Label"
            value={label}
            onChange={(e) => setLabel(e.target.value)}
            hint="What uses it, e.g. “inventory export”."
            required
          />
          <SelectField label="Acts as user" value={user} onChange={(e) => setUser(e.target.value)}>
            {(users.data ?? [{ name: session.user.name }]).map((u) => (
              <option key={u.name}>{u.name}</option>
            ))}
          </SelectField>
          <div className="toolbar">
            <button type="submit" className="primary">
              Create key
            </button>
          </div>
        </fieldset>
      </form>
    </>
  );
}
