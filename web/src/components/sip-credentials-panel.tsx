import type { FormEvent } from 'react';
import { useState } from 'react';
import { ApiError, del, get, put } from '../api/client';
import type { SipCredentials } from '../api/types';
import { dateTime } from '../format';
import { useLoad } from '../hooks';
import { useLiveEvent } from '../live';
import { useSession } from '../session';
import { Field, Notice } from './ui';

type Result = { kind: 'ok' | 'error'; text: string; field?: string } | null;

// Letters and digits without look-alikes, as the node generates them for migrated phones.
const ALPHABET = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

function randomPassword(): string {
  const bytes = crypto.getRandomValues(new Uint32Array(20));
  return Array.from(bytes, (b) => ALPHABET[b % ALPHABET.length]).join('');
}

/** Device > Phone > SIP Credentials: the digest user and password, set or removed; the password never shown back. */
export function SipCredentialsPanel({ name }: { name: string }) {
  const { canChange } = useSession();
  const path = `/phones/${encodeURIComponent(name)}/sip-credentials`;
  const current = useLoad(() => get<SipCredentials>(path), `sip-credentials-${name}`);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [visible, setVisible] = useState(false);
  const [result, setResult] = useState<Result>(null);
  useLiveEvent('configuration-changed', (c) => c.what === 'device' && c.name === name && current.reload());

  const failed = (err: unknown) => {
    const e = err instanceof ApiError ? err : null;
    setResult({ kind: 'error', text: e?.message ?? String(err), field: e?.field });
  };

  const save = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const saved = await put<SipCredentials>(path, {
        ...(username.trim() === '' ? {} : { username: username.trim() }),
        password,
      });
      setPassword('');
      setUsername('');
      setVisible(false);
      setResult({ kind: 'ok', text: `Saved: digest user ${saved.username}. ${saved.message ?? ''}` });
      current.reload();
    } catch (err) {
      failed(err);
    }
  };

  const remove = async () => {
    if (!window.confirm(`Remove the SIP credentials of ${name}?`)) return;
    try {
      const removed = await del<SipCredentials>(path);
      setResult({ kind: 'ok', text: `Removed. ${removed.message ?? ''}` });
      current.reload();
    } catch (err) {
      failed(err);
    }
  };

  const c = current.data;
  return (
    <form onSubmit={save} className="form" aria-labelledby="sip-credentials-title">
      <fieldset disabled={!canChange}>
        <legend id="sip-credentials-title">SIP Credentials</legend>
        {c && (
          <p data-testid="sip-credentials-state">
            {c.configured
              ? `Digest user ${c.username}, password set ${c.updatedAt ? dateTime(c.updatedAt) : ''}. `
              : 'No SIP credentials: over SIP this phone registers without a password, while SIP devices without credentials are allowed. '}
            {c.configured &&
              (c.passwordInConfigFiles
                ? 'Its configuration files carry them.'
                : `Its configuration files carry no password: ${c.problem ?? ''}`)}
          </p>
        )}
        {result?.kind === 'ok' && <Notice kind="ok">{result.text}</Notice>}
        {result?.kind === 'error' && !result.field && <Notice kind="error">{result.text}</Notice>}
        <Field
          label="Digest User"
          value={username}
          autoComplete="off"
          placeholder={c?.username ?? c?.defaultUsername ?? name}
          onChange={(e) => setUsername(e.target.value)}
          error={result?.kind === 'error' && result.field === 'username' ? result.text : null}
          hint="Empty: the current digest user, else the device name. Letters, digits and . _ @ + - (at most 128)."
        />
        <Field
          label="Password"
          type={visible ? 'text' : 'password'}
          value={password}
          autoComplete="new-password"
          required
          onChange={(e) => setPassword(e.target.value)}
          error={result?.kind === 'error' && result.field === 'password' ? result.text : null}
          hint='8 to 64 printable characters except " and \. Never shown again after saving: the phone gets it from its configuration file.'
        />
        <div className="toolbar">
          <button type="submit" className="primary" disabled={password === ''}>
            Set Credentials
          </button>
          <button
            type="button"
            onClick={() => {
              setPassword(randomPassword());
              setVisible(true);
            }}
          >
            Generate Password
          </button>
          {c?.configured && (
            <button type="button" className="danger" onClick={remove}>
              Remove Credentials
            </button>
          )}
        </div>
      </fieldset>
    </form>
  );
}
