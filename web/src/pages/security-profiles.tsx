import type { FormEvent } from 'react';
import { useEffect, useState } from 'react';
import { ApiError, del, get, patch, post } from '../api/client';
import type { PhoneSecurityProfile } from '../api/types';
import { FilterForm, FilterText } from '../components/filters';
import { EmptyRow, Field, Loading, Notice, PageTitle, RowActions, SelectField } from '../components/ui';
import { useLoad } from '../hooks';
import { useLiveEvent } from '../live';
import { Link } from '../router';
import { useSession } from '../session';

type Result = { kind: 'ok' | 'error'; text: string; field?: string } | null;
type Mode = PhoneSecurityProfile['deviceSecurityMode'];
type Transport = PhoneSecurityProfile['transportType'];
type Fallback = PhoneSecurityProfile['mediaEncryptionFallback'];

const MODES: [Mode, string][] = [
  ['non-secure', 'Non Secure'],
  ['authenticated', 'Authenticated'],
  ['encrypted', 'Encrypted'],
];
const TRANSPORTS: [Transport, string][] = [
  ['tcp+udp', 'TCP+UDP'],
  ['tcp', 'TCP'],
  ['udp', 'UDP'],
  ['tls', 'TLS'],
];
const FALLBACKS: [Fallback, string][] = [
  ['refuse', 'Refuse the call'],
  ['rtp', 'Fall back to RTP'],
];
const label = <T extends string>(list: [T, string][], value: T) =>
  list.find(([v]) => v === value)?.[1] ?? value;

/** System > Security > Phone Security Profile: how a phone must signal and whether its media is encrypted. */
export function SecurityProfilesPage() {
  const { canChange } = useSession();
  const profiles = useLoad(
    () => get<PhoneSecurityProfile[]>('/phone-security-profiles'),
    'security-profiles',
  );
  const [draft, setDraft] = useState('');
  const [filter, setFilter] = useState('');
  const [editing, setEditing] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [mode, setMode] = useState<Mode>('non-secure');
  const [transport, setTransport] = useState<Transport>('tcp+udp');
  const [fallback, setFallback] = useState<Fallback>('refuse');
  const [result, setResult] = useState<Result>(null);
  useEffect(() => {
    document.title = 'Phone Security Profile — openucm';
  }, []);
  useLiveEvent(
    'configuration-changed',
    (c) => (c.what === 'security-profile' || c.what === 'device') && profiles.reload(),
  );

  const reset = () => {
    setEditing(null);
    setName('');
    setDescription('');
    setMode('non-secure');
    setTransport('tcp+udp');
    setFallback('refuse');
  };
  const edit = (p: PhoneSecurityProfile) => {
    setEditing(p.name);
    setName(p.name);
    setDescription(p.description);
    setMode(p.deviceSecurityMode);
    setTransport(p.transportType);
    setFallback(p.mediaEncryptionFallback);
    setResult(null);
  };
  const fail = (err: unknown) => {
    const e = err instanceof ApiError ? err : null;
    setResult({ kind: 'error', text: e?.message ?? String(err), field: e?.field });
  };
  const save = async (e: FormEvent) => {
    e.preventDefault();
    const body = {
      description,
      deviceSecurityMode: mode,
      transportType: transport,
      mediaEncryptionFallback: fallback,
    };
    try {
      if (editing) {
        await patch(`/phone-security-profiles/${encodeURIComponent(editing)}`, body);
        setResult({
          kind: 'ok',
          text: `Phone security profile ${editing} saved. Reset its phones so that they load the transport it asks for.`,
        });
      } else {
        await post('/phone-security-profiles', { name: name.trim(), ...body });
        setResult({ kind: 'ok', text: `Phone security profile ${name.trim()} added.` });
      }
      reset();
      profiles.reload();
    } catch (err) {
      fail(err);
    }
  };
  const remove = async (p: PhoneSecurityProfile) => {
    if (!window.confirm(`Delete phone security profile ${p.name}?`)) return;
    try {
      await del(`/phone-security-profiles/${encodeURIComponent(p.name)}`);
      setResult({ kind: 'ok', text: `Phone security profile ${p.name} deleted.` });
      if (editing === p.name) reset();
      profiles.reload();
    } catch (err) {
      fail(err);
    }
  };
  const fieldError = (f: string) => (result?.kind === 'error' && result.field === f ? result.text : null);
  const fieldShown = ['description', 'transportType', 'deviceSecurityMode', 'mediaEncryptionFallback'];
  const shown = (profiles.data ?? []).filter((p) => p.name.toLowerCase().includes(filter.toLowerCase()));

  return (
    <>
      <PageTitle>Phone Security Profile</PageTitle>
      <p className="muted">
        Every phone has a profile (Device &gt; Phone, Device Security Profile). Authenticated and Encrypted
        phones signal over TLS only: one that registers over UDP or TCP is refused, and the{' '}
        <Link href="/troubleshoot">troubleshooter</Link> says why. Encrypted phones also encrypt their calls
        (SRTP); the fallback says what happens when the other side cannot.
      </p>
      {result && (result.kind === 'ok' || !result.field || !fieldShown.includes(result.field)) && (
        <Notice kind={result.kind}>{result.text}</Notice>
      )}
      <FilterForm
        label="Find phone security profiles"
        onSubmit={(e) => {
          e.preventDefault();
          setFilter(draft.trim());
        }}
      >
        <FilterText label="Name contains" value={draft} onValue={setDraft} />
      </FilterForm>
      <Loading error={profiles.error} loading={profiles.loading && !profiles.data} />
      {profiles.data && (
        <table className="grid-table" aria-label="Phone security profiles">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Description</th>
              <th scope="col">Device Security Mode</th>
              <th scope="col">Transport Type</th>
              <th scope="col">Media Encryption Fallback</th>
              <th scope="col">Phones</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {shown.length === 0 && <EmptyRow columns={7}>No phone security profile matches.</EmptyRow>}
            {shown.map((p) => (
              <tr key={p.name} data-profile={p.name}>
                <th scope="row">{p.name}</th>
                <td>{p.description}</td>
                <td>{label(MODES, p.deviceSecurityMode)}</td>
                <td>{label(TRANSPORTS, p.transportType)}</td>
                <td>
                  {p.deviceSecurityMode === 'encrypted' ? label(FALLBACKS, p.mediaEncryptionFallback) : '—'}
                </td>
                <td>{p.devices}</td>
                <RowActions
                  name={p.name}
                  onEdit={() => edit(p)}
                  onDelete={() => void remove(p)}
                  disabled={!canChange}
                />
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form className="form" onSubmit={save}>
        <fieldset disabled={!canChange}>
          <legend>
            {editing ? `Edit phone security profile ${editing}` : 'Add a phone security profile'}
          </legend>
          <Field
            label="Name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            readOnly={editing !== null}
            maxLength={50}
            required
            error={fieldError('name')}
          />
          <Field
            label="Description"
            value={description}
            onChange={(e) => setDescription(e.target.value)}
            error={fieldError('description')}
          />
          <SelectField
            label="Device Security Mode"
            value={mode}
            onChange={(e) => {
              const next = e.target.value as Mode;
              setMode(next);
              // Authenticated and Encrypted signal over TLS only: offer the one transport they allow.
              if (next !== 'non-secure') setTransport('tls');
            }}
            error={fieldError('deviceSecurityMode')}
          >
            {MODES.map(([value, text]) => (
              <option key={value} value={value}>
                {text}
              </option>
            ))}
          </SelectField>
          <SelectField
            label="Transport Type"
            value={transport}
            onChange={(e) => setTransport(e.target.value as Transport)}
            error={fieldError('transportType')}
            hint="SIP phones: the transport their configuration file asks for. TLS needs firmware that does TLS (not 7940/7960)."
          >
            {TRANSPORTS.map(([value, text]) => (
              <option key={value} value={value}>
                {text}
              </option>
            ))}
          </SelectField>
          <SelectField
            label="Media Encryption Fallback"
            value={fallback}
            onChange={(e) => setFallback(e.target.value as Fallback)}
            error={fieldError('mediaEncryptionFallback')}
            hint="Encrypted only: when the other side of a call cannot do SRTP."
          >
            {FALLBACKS.map(([value, text]) => (
              <option key={value} value={value}>
                {text}
              </option>
            ))}
          </SelectField>
          <div className="toolbar">
            <button type="submit" className="primary">
              {editing ? 'Save' : 'Add phone security profile'}
            </button>
            {editing && (
              <button type="button" onClick={reset}>
                Cancel
              </button>
            )}
          </div>
        </fieldset>
      </form>
    </>
  );
}
