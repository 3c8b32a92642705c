import type { FormEvent } from 'react';
import { useEffect, useId, useState } from 'react';
import { ApiError, get, patch } from '../api/client';
import type { AdminSettings, EnterpriseParameters, Protocol } from '../api/types';
import { Field, Loading, Notice, PageTitle, SelectField } from '../components/ui';
import { useLoad } from '../hooks';
import { useLiveEvent } from '../live';
import { useSession } from '../session';

type Result = { kind: 'ok' | 'error'; text: string; field?: string } | null;

function ParametersForm({ initial, onSaved }: { initial: EnterpriseParameters; onSaved: () => void }) {
  const { canChange } = useSession();
  const [protocol, setProtocol] = useState<Protocol>(initial.autoRegistrationPhoneProtocol);
  const [withoutCredentials, setWithoutCredentials] = useState(initial.sipDevicesWithoutCredentials);
  const [result, setResult] = useState<Result>(null);
  useEffect(() => {
    setProtocol(initial.autoRegistrationPhoneProtocol);
    setWithoutCredentials(initial.sipDevicesWithoutCredentials);
  }, [initial]);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const saved = await patch<EnterpriseParameters>('/enterprise-parameters', {
        autoRegistrationPhoneProtocol: protocol,
        sipDevicesWithoutCredentials: withoutCredentials,
      });
      setResult({
        kind: 'ok',
        text:
          `Saved. Auto Registration Phone Protocol is ${saved.autoRegistrationPhoneProtocol}; SIP devices without ` +
          `credentials are ${saved.sipDevicesWithoutCredentials}: the change applies to the next registration, with no restart.`,
      });
      onSaved();
    } catch (err) {
      setResult({
        kind: 'error',
        text: err instanceof ApiError ? err.message : String(err),
        field: (err as ApiError).field,
      });
    }
  };

  return (
    <form onSubmit={save} className="form" aria-labelledby="ep-cm">
      <fieldset disabled={!canChange}>
        <legend id="ep-cm">CCM Parameters</legend>
        {result && <Notice kind={result.kind}>{result.text}</Notice>}
        <SelectField
          label="Auto Registration Phone Protocol"
          value={protocol}
          onChange={(e) => setProtocol(e.target.value as Protocol)}
          error={result?.field === 'autoRegistrationPhoneProtocol' ? result.text : null}
          hint={
            <>
              The protocol (SCCP or SIP) an unknown dual-protocol phone must register with to be
              auto-registered; phones on the other protocol are rejected with a remedy in Registration Events.
              The change applies to the <strong>next registration</strong> — no restart of any service. CUCM
              default: SCCP.
            </>
          }
        >
          <option value="SCCP">SCCP</option>
          <option value="SIP">SIP</option>
        </SelectField>
        <SelectField
          label="SIP Devices Without Credentials"
          value={withoutCredentials}
          onChange={(e) =>
            setWithoutCredentials(e.target.value as EnterpriseParameters['sipDevicesWithoutCredentials'])
          }
          error={result?.field === 'sipDevicesWithoutCredentials' ? result.text : null}
          hint={
            <>
              <strong>Allowed</strong> (default, as CUCM&apos;s non-secure SIP profiles): a SIP device that
              has no digest credentials registers without a password, auto-registered ones included.{' '}
              <strong>Refused</strong>: every SIP device must answer the digest challenge with its password
              (Device &gt; Phone &gt; SIP Credentials); others are rejected with a remedy in Registration
              Events. Applies to the next registration.
            </>
          }
        >
          <option value="allowed">Allowed</option>
          <option value="refused">Refused</option>
        </SelectField>
        <div className="toolbar">
          <button type="submit" className="primary">
            Save
          </button>
        </div>
      </fieldset>
    </form>
  );
}

interface SettingField {
  name: keyof AdminSettings;
  label: string;
  min: number;
  max: number;
  hint: string;
}

const SECURITY_FIELDS: SettingField[] = [
  {
    name: 'autoRegistrationWarningDays',
    label: 'Auto-registration Warning (days)',
    min: 1,
    max: 3650,
    hint: 'The dashboard warns when auto-registration has been on longer than this. Turn auto-registration off once phones are rolled out, so that no unknown phone plugged into the network can register.',
  },
];

const RETENTION_FIELDS: SettingField[] = [
  {
    name: 'registrationEventRetentionDays',
    label: 'Registration Event Retention (days)',
    min: 1,
    max: 3650,
    hint: 'Registration events older than this are deleted: every hour, and at once when you save.',
  },
  {
    name: 'registrationEventMaxRows',
    label: 'Registration Event Maximum',
    min: 1000,
    max: 100_000_000,
    hint: 'The registration log keeps at most this many events, the newest, whatever their age: a safety net against floods.',
  },
  {
    name: 'auditRetentionDays',
    label: 'Audit Log Retention (days)',
    min: 1,
    max: 36500,
    hint: 'Audit log entries older than this are deleted: every hour, and at once when you save.',
  },
  {
    name: 'cdrRetentionDays',
    label: 'CDR Retention (days)',
    min: 1,
    max: 3650,
    hint: 'Call detail records of calls begun longer ago than this are deleted: every hour, and at once when you save.',
  },
];

/** A group of administration settings saved together; a refusal shows beside its field. */
function SettingsForm({
  legend,
  fields,
  initial,
  onSaved,
  savedText,
}: {
  legend: string;
  fields: SettingField[];
  initial: AdminSettings;
  onSaved: () => void;
  savedText: (saved: AdminSettings) => string;
}) {
  const { canChange } = useSession();
  const text = (settings: AdminSettings) =>
    Object.fromEntries(fields.map((f) => [f.name, String(settings[f.name])]));
  const [values, setValues] = useState<Record<string, string>>(() => text(initial));
  const [result, setResult] = useState<Result>(null);
  useEffect(() => setValues(text(initial)), [initial]);
  const legendId = useId();

  const save = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const saved = await patch<AdminSettings>(
        '/admin-settings',
        Object.fromEntries(fields.map((f) => [f.name, Number(values[f.name])])),
      );
      setResult({ kind: 'ok', text: savedText(saved) });
      onSaved();
    } catch (err) {
      setResult({
        kind: 'error',
        text: err instanceof ApiError ? err.message : String(err),
        field: (err as ApiError).field,
      });
    }
  };

  return (
    <form onSubmit={save} className="form" aria-labelledby={legendId}>
      <fieldset disabled={!canChange}>
        <legend id={legendId}>{legend}</legend>
        {result?.kind === 'ok' && <Notice kind="ok">{result.text}</Notice>}
        {result?.kind === 'error' && !fields.some((f) => f.name === result.field) && (
          <Notice kind="error">{result.text}</Notice>
        )}
        {fields.map((f) => (
          <Field
            key={f.name}
            label={f.label}
            type="number"
            min={f.min}
            max={f.max}
            value={values[f.name]}
            onChange={(e) => setValues((v) => ({ ...v, [f.name]: e.target.value }))}
            error={result?.kind === 'error' && result.field === f.name ? result.text : null}
            hint={f.hint}
          />
        ))}
        <div className="toolbar">
          <button type="submit" className="primary">
            Save
          </button>
        </div>
      </fieldset>
    </form>
  );
}

export function EnterpriseParametersPage() {
  const params = useLoad(() => get<EnterpriseParameters>('/enterprise-parameters'), 'ep');
  const settings = useLoad(() => get<AdminSettings>('/admin-settings'), 'settings');
  useLiveEvent('configuration-changed', (c) => {
    if (c.what === 'enterprise-parameters') params.reload();
  });
  useEffect(() => {
    document.title = 'Enterprise Parameters — openucm';
  }, []);
  return (
    <>
      <PageTitle>Enterprise Parameters Configuration</PageTitle>
      <Loading error={params.error ?? settings.error} loading={!params.data || !settings.data} />
      {params.data && <ParametersForm initial={params.data} onSaved={params.reload} />}
      {settings.data && (
        <SettingsForm
          legend="Security Parameters"
          fields={SECURITY_FIELDS}
          initial={settings.data}
          onSaved={settings.reload}
          savedText={(saved) => `Saved. The dashboard warns after ${saved.autoRegistrationWarningDays} days.`}
        />
      )}
      {settings.data && (
        <SettingsForm
          legend="Retention Parameters"
          fields={RETENTION_FIELDS}
          initial={settings.data}
          onSaved={settings.reload}
          savedText={(saved) =>
            `Saved. Registration events are kept ${saved.registrationEventRetentionDays} days (at most ` +
            `${saved.registrationEventMaxRows.toLocaleString('en-US')}), audit entries ` +
            `${saved.auditRetentionDays} days, call detail records ${saved.cdrRetentionDays} days; older ones are being deleted now.`
          }
        />
      )}
    </>
  );
}
