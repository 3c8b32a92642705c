import type { FormEvent } from 'react';
import { useEffect, useState } from 'react';
import { ApiError, del, get, patch, post } from '../api/client';
import type { DevicePool, Phone, PhoneModel, PhoneSecurityProfile, RegistrationEvent } from '../api/types';
import { LinesEditor, lineErrorOf, linesOf } from '../components/lines-editor';
import type { LineSettingsInput } from '../components/line-settings-editor';
import { LineSettingsEditor, settingsInputOf, settingsOf } from '../components/line-settings-editor';
import { SipCredentialsPanel } from '../components/sip-credentials-panel';
import { Field, Loading, Notice, PageTitle, SelectField, StatusBadge } from '../components/ui';
import { dateTime } from '../format';
import { useLoad, useThrottle } from '../hooks';
import { useLiveEvent } from '../live';
import { Link, navigate } from '../router';
import { useSession } from '../session';

type Result = { kind: 'ok' | 'error' | 'info'; text: string; field?: string } | null;

/** Device > Phone > Phone Configuration: status, settings, lines, Reset/Restart, history. */
export function PhonePage({ name }: { name: string }) {
  const { canChange } = useSession();
  const phone = useLoad(() => get<Phone>(`/phones/${encodeURIComponent(name)}`), name);
  const models = useLoad(() => get<PhoneModel[]>('/phone-models'), 'models');
  const history = useLoad(
    () =>
      get<{ items: RegistrationEvent[] }>(`/registration-events?device=${encodeURIComponent(name)}&limit=20`),
    `history-${name}`,
  );
  const [description, setDescription] = useState('');
  const [loadId, setLoadId] = useState('');
  const [devicePool, setDevicePool] = useState('');
  const pools = useLoad(() => get<DevicePool[]>('/device-pools'), 'device-pools');
  const [securityProfile, setSecurityProfile] = useState('');
  const profiles = useLoad(
    () => get<PhoneSecurityProfile[]>('/phone-security-profiles'),
    'security-profiles',
  );
  const [dns, setDns] = useState<string[]>([]);
  const [result, setResult] = useState<Result>(null);
  const [lineErrors, setLineErrors] = useState<Record<number, string>>({});
  const [dnd, setDnd] = useState(false);
  const [settings, setSettings] = useState<Record<number, LineSettingsInput>>({});
  const [settingError, setSettingError] = useState<{ index: number; key: string; message: string } | null>(
    null,
  );

  useEffect(() => {
    document.title = `Phone ${name} — openucm`;
  }, [name]);
  useEffect(() => {
    if (!phone.data) return;
    setDescription(phone.data.description);
    setLoadId(phone.data.loadId ?? '');
    setDevicePool(phone.data.devicePool);
    setSecurityProfile(phone.data.securityProfile);
    const d: string[] = [];
    for (const l of phone.data.lines) d[l.index - 1] = l.dn;
    setDns(d);
    setDnd(phone.data.dnd);
    setSettings(Object.fromEntries(phone.data.lines.map((l) => [l.index, settingsInputOf(l)])));
  }, [phone.data]);

  const reloadHistory = useThrottle(history.reload, 500);
  useLiveEvent('device-status', (s) => s.name === name && phone.reload());
  useLiveEvent('registration-event', (e) => e.deviceName === name && reloadHistory());
  useLiveEvent('configuration-changed', (c) => c.what === 'device' && c.name === name && phone.reload());

  const model = models.data?.find((m) => m.model === phone.data?.model);
  const buttons = Math.max(
    model?.lineButtons ?? 1,
    phone.data?.lines.reduce((n, l) => Math.max(n, l.index), 0) ?? 0,
  );

  const failed = (err: unknown, sent: { index: number }[] = []) => {
    const e = err instanceof ApiError ? err : null;
    setResult({ kind: 'error', text: e?.message ?? String(err), field: e?.field });
    setLineErrors(e ? lineErrorOf(e.field, e.message, sent) : {});
    // A refused line setting (lines.N.maxCalls …) is shown at its field in that line's settings.
    const m = e?.field ? /^lines\.(\d+)\.(\w+)$/.exec(e.field) : null;
    const line = m ? sent[Number(m[1])] : undefined;
    setSettingError(
      m && line && m[2] !== 'dn' && m[2] !== 'index'
        ? { index: line.index, key: m[2], message: e!.message }
        : null,
    );
  };

  const save = async (e: FormEvent) => {
    e.preventDefault();
    const lines = linesOf(dns).map((l) => ({
      ...l,
      ...settingsOf(settings[l.index] ?? settingsInputOf(undefined)),
    }));
    try {
      await patch<Phone>(`/phones/${encodeURIComponent(name)}`, {
        description,
        loadId: loadId.trim() === '' ? null : loadId.trim(),
        ...(devicePool !== '' ? { devicePool } : {}),
        ...(securityProfile !== '' ? { securityProfile } : {}),
        lines,
        dnd,
      });
      setLineErrors({});
      setSettingError(null);
      setResult({
        kind: 'ok',
        text:
          phone.data?.status === 'registered'
            ? 'Saved. The phone is registered: Restart it to apply line changes.'
            : 'Saved. The phone gets the new configuration when it next registers.',
      });
      phone.reload();
    } catch (err) {
      failed(err, lines);
    }
  };

  const reset = async (type: 'reset' | 'restart' | 'apply-config') => {
    const what =
      type === 'reset'
        ? 'Reset (reboot)'
        : type === 'restart'
          ? 'Restart (re-register)'
          : 'Apply Config (the phone applies its changed configuration, restarting if it must)';
    if (!window.confirm(`${what} ${name}?`)) return;
    try {
      const r = await post<{ message: string }>(`/phones/${encodeURIComponent(name)}/reset`, { type });
      setResult({ kind: 'ok', text: `${r.message}.` });
    } catch (err) {
      failed(err);
    }
  };

  const remove = async () => {
    if (!window.confirm(`Delete ${name}? Its directory numbers become free.`)) return;
    try {
      await del(`/phones/${encodeURIComponent(name)}`);
      navigate('/phones');
    } catch (err) {
      failed(err);
    }
  };

  const p = phone.data;
  return (
    <>
      <PageTitle
        actions={
          p && (
            <>
              <button type="submit" form="phone-form" className="primary" disabled={!canChange}>
                Save
              </button>
              <button type="button" onClick={() => reset('reset')} disabled={!canChange}>
                Reset
              </button>
              <button type="button" onClick={() => reset('restart')} disabled={!canChange}>
                Restart
              </button>
              <button type="button" onClick={() => reset('apply-config')} disabled={!canChange}>
                Apply Config
              </button>
              <button type="button" className="danger" onClick={remove} disabled={!canChange}>
                Delete
              </button>
            </>
          )
        }
      >
        Phone Configuration: {name}
      </PageTitle>
      <p>
        <Link href="/phones">← Find and List Phones</Link>
      </p>
      <Loading error={phone.error} loading={!p && phone.loading} />
      {result && result.kind !== 'error' && <Notice kind={result.kind}>{result.text}</Notice>}
      {result?.kind === 'error' && (!result.field || result.field.startsWith('lines')) && (
        <Notice kind="error">{result.text}</Notice>
      )}
      {p && (
        <>
          <section className="panel status-panel" aria-labelledby="status-title">
            <h2 id="status-title">Status</h2>
            <dl className="facts">
              <dt>Status</dt>
              <dd>
                <StatusBadge status={p.status} node={p.node} />
                {p.statusChangedAt && <span className="muted"> since {dateTime(p.statusChangedAt)}</span>}
              </dd>
              <dt>IP Address</dt>
              <dd>{p.ipAddress ?? '—'}</dd>
              <dt>Active Load ID</dt>
              <dd>{p.activeLoadId ?? '—'}</dd>
              <dt>Added</dt>
              <dd>{dateTime(p.createdAt)}</dd>
            </dl>
            {p.status !== 'registered' && (
              <p>
                <Link href={`/troubleshoot?device=${encodeURIComponent(name)}`} className="button">
                  Why isn&apos;t it registered?
                </Link>
              </p>
            )}
          </section>
          <form id="phone-form" onSubmit={save} className="form">
            <fieldset disabled={!canChange}>
              <legend>Device Information</legend>
              <Field label="Device Name" value={p.name} readOnly />
              <Field
                label="Description"
                value={description}
                maxLength={128}
                onChange={(e) => setDescription(e.target.value)}
                error={result?.field === 'description' ? result.text : null}
              />
              <Field label="Phone Type (model)" value={model?.displayName ?? p.model} readOnly />
              <Field
                label="Device Protocol"
                value={p.protocol}
                readOnly
                hint="Fixed once the phone is added: migrate with Bulk Administration > Migrate Phones."
              />
              <Field
                label="Phone Load Name"
                value={loadId}
                onChange={(e) => setLoadId(e.target.value)}
                placeholder="(Device Defaults)"
                error={result?.field === 'loadId' ? result.text : null}
                hint="Empty: the load of Device Defaults for this model and protocol."
              />
              <SelectField
                label="Device Pool"
                value={devicePool}
                onChange={(e) => setDevicePool(e.target.value)}
                error={result?.field === 'devicePool' ? result.text : null}
                hint={
                  <>
                    Its <Link href="/cm-groups">Cisco Unified CM Group</Link> lists the call managers the
                    phone registers with, in order.
                  </>
                }
              >
                {(pools.data ?? [{ name: devicePool }]).map((pool) => (
                  <option key={pool.name} value={pool.name}>
                    {pool.name}
                  </option>
                ))}
              </SelectField>
              <SelectField
                label="Device Security Profile"
                value={securityProfile}
                onChange={(e) => setSecurityProfile(e.target.value)}
                error={result?.field === 'securityProfile' ? result.text : null}
                hint={
                  <>
                    The <Link href="/phone-security-profiles">Phone Security Profile</Link>: a profile whose
                    transport is TLS refuses the phone over UDP and TCP. Reset the phone after a change.
                  </>
                }
              >
                {(profiles.data ?? [{ name: securityProfile }]).map((profile) => (
                  <option key={profile.name} value={profile.name}>
                    {profile.name}
                  </option>
                ))}
              </SelectField>
              <div className="field checkbox">
                <input
                  id="phone-dnd"
                  type="checkbox"
                  checked={dnd}
                  onChange={(e) => setDnd(e.target.checked)}
                  aria-describedby="phone-dnd-hint"
                />
                <label htmlFor="phone-dnd">Do Not Disturb</label>
                <span id="phone-dnd-hint" className="hint">
                  No call is offered to this phone; a caller gets busy when no other phone has the DN.
                </span>
              </div>
            </fieldset>
            <fieldset disabled={!canChange} className="plain-fieldset">
              <LinesEditor buttons={buttons} dns={dns} onChange={setDns} errors={lineErrors} />
            </fieldset>
            <fieldset disabled={!canChange}>
              <legend>Line settings</legend>
              <LineSettingsEditor
                lines={linesOf(dns)}
                settings={settings}
                onChange={(index, next) => setSettings((s) => ({ ...s, [index]: next }))}
                error={settingError}
              />
            </fieldset>
          </form>
          <SipCredentialsPanel name={name} />
          <section className="panel" aria-labelledby="history-title">
            <h2 id="history-title">Registration history</h2>
            {history.data && history.data.items.length === 0 && <p className="muted">No registration yet.</p>}
            {history.data && history.data.items.length > 0 && (
              <table className="grid-table">
                <thead>
                  <tr>
                    <th scope="col">Time</th>
                    <th scope="col">Outcome</th>
                    <th scope="col">Protocol</th>
                    <th scope="col">Address</th>
                    <th scope="col">Node</th>
                    <th scope="col">What happened</th>
                    <th scope="col">Remedy</th>
                  </tr>
                </thead>
                <tbody>
                  {history.data.items.map((e) => (
                    <tr key={e.id ?? e.at}>
                      <td className="nowrap">{dateTime(e.at)}</td>
                      <td>
                        <span className={`badge badge-${e.outcome}`}>{e.outcome}</span>
                      </td>
                      <td>{e.protocol}</td>
                      <td>{e.address}</td>
                      <td>{e.node}</td>
                      <td>{e.message}</td>
                      <td className="remedy">{e.remedy ?? ''}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            <p>
              <Link href={`/registration-events?device=${encodeURIComponent(name)}`}>
                All events of {name}…
              </Link>
            </p>
          </section>
        </>
      )}
    </>
  );
}
