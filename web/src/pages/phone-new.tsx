import type { FormEvent } from 'react';
import { useEffect, useState } from 'react';
import { ApiError, get, post } from '../api/client';
import type { Phone, PhoneModel, Protocol } from '../api/types';
import { LinesEditor, lineErrorOf, linesOf } from '../components/lines-editor';
import { Field, Notice, PageTitle, SelectField } from '../components/ui';
import { useLoad } from '../hooks';
import { Link, navigate } from '../router';
import { useSession } from '../session';

/** Device > Phone > Add a New Phone. */
export function NewPhonePage() {
  const { canChange } = useSession();
  const models = useLoad(() => get<PhoneModel[]>('/phone-models'), 'models');
  const [name, setName] = useState('SEP');
  const [model, setModel] = useState('7940');
  const [protocol, setProtocol] = useState<Protocol>('SCCP');
  const [description, setDescription] = useState('');
  const [loadId, setLoadId] = useState('');
  const [dns, setDns] = useState<string[]>([]);
  const [error, setError] = useState<{ field?: string; text: string } | null>(null);
  const [lineErrors, setLineErrors] = useState<Record<number, string>>({});
  useEffect(() => {
    document.title = 'Add a New Phone — openucm';
  }, []);

  const m = models.data?.find((x) => x.model === model);
  useEffect(() => {
    if (m && !m.protocols.includes(protocol)) setProtocol(m.protocols[0]);
  }, [m, protocol]);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    const lines = linesOf(dns);
    try {
      const created = await post<Phone>('/phones', {
        name: name.trim(),
        model,
        protocol,
        description,
        loadId: loadId.trim() === '' ? null : loadId.trim(),
        lines,
      });
      navigate(`/phones/${created.name}`);
    } catch (err) {
      const a = err instanceof ApiError ? err : null;
      setError({ field: a?.field, text: a?.message ?? String(err) });
      setLineErrors(a ? lineErrorOf(a.field, a.message, lines) : {});
    }
  };
  const fieldError = (f: string) => (error?.field === f ? error.text : null);

  return (
    <>
      <PageTitle>Add a New Phone</PageTitle>
      <p>
        <Link href="/phones">← Find and List Phones</Link>
      </p>
      {error && (!error.field || error.field.startsWith('lines')) && (
        <Notice kind="error">{error.text}</Notice>
      )}
      <form onSubmit={save} className="form">
        <fieldset disabled={!canChange}>
          <legend>Device Information</legend>
          <Field
            label="Device Name"
            value={name}
            onChange={(e) => setName(e.target.value)}
            error={fieldError('name')}
            hint="SEP followed by the 12 hex digits of the MAC address, upper case (e.g. SEP001122AABBCC)."
            required
          />
          <SelectField
            label="Phone Type (model)"
            value={model}
            onChange={(e) => setModel(e.target.value)}
            error={fieldError('model')}
          >
            {models.data?.map((x) => (
              <option key={x.model} value={x.model}>
                {x.displayName}
              </option>
            ))}
          </SelectField>
          <SelectField
            label="Device Protocol"
            value={protocol}
            onChange={(e) => setProtocol(e.target.value as Protocol)}
            error={fieldError('protocol')}
          >
            {(m?.protocols ?? ['SCCP', 'SIP']).map((p) => (
              <option key={p}>{p}</option>
            ))}
          </SelectField>
          <Field
            label="Description"
            value={description}
            maxLength={128}
            onChange={(e) => setDescription(e.target.value)}
            error={fieldError('description')}
          />
          <Field
            label="Phone Load Name"
            value={loadId}
            onChange={(e) => setLoadId(e.target.value)}
            placeholder="(Device Defaults)"
            error={fieldError('loadId')}
          />
        </fieldset>
        <fieldset disabled={!canChange} className="plain-fieldset">
          <LinesEditor buttons={m?.lineButtons ?? 1} dns={dns} onChange={setDns} errors={lineErrors} />
        </fieldset>
        <div className="toolbar">
          <button type="submit" className="primary" disabled={!canChange}>
            Save
          </button>
        </div>
      </form>
    </>
  );
}
