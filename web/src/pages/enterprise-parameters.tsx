import type { FormEvent } from 'react';
import { useEffect, useState } from 'react';
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

function SettingsForm({ initial, onSaved }: { initial: AdminSettings; onSaved: () => void }) {
  const { canChange } = useSession();
  const [days, setDays] = useState(String(initial.autoRegistrationWarningDays));
  const [result, setResult] = useState<Result>(null);
  useEffect(() => setDays(String(initial.autoRegistrationWarningDays)), [initial]);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const saved = await patch<AdminSettings>('/admin-settings', {
        autoRegistrationWarningDays: Number(days),
      });
      setResult({
        kind: 'ok',
        text: `Saved. The dashboard warns after ${saved.autoRegistrationWarningDays} days.`,
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
    <form onSubmit={save} className="form" aria-labelledby="ep-admin">
      <fieldset disabled={!canChange}>
        <legend id="ep-admin">Security Parameters</legend>
        {result?.kind === 'ok' && <Notice kind="ok">{result.text}</Notice>}
        <Field
          label="Auto-registration Warning (days)"
          type="number"
          min={1}
          max={3650}
          value={days}
          onChange={(e) => setDays(e.target.value)}
          error={result?.kind === 'error' ? result.text : null}
          hint="The dashboard warns when auto-registration has been on longer than this. Turn auto-registration off once phones are rolled out, so that no unknown phone plugged into the network can register."
        />
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
      {settings.data && <SettingsForm initial={settings.data} onSaved={settings.reload} />}
    </>
  );
}
