import type { ChangeEvent, FormEvent } from 'react';
import { useEffect, useState } from 'react';
import { ApiError, get, post } from '../api/client';
import type {
  BulkJob,
  MigrationDirection,
  MigrationPlan,
  MigrationPreview,
  NodeInfo,
  PhoneModel,
  PhoneSelection,
  PhoneSelectionQuery,
} from '../api/types';
import { DIRECTION_LABEL } from '../components/job-progress';
import { Field, Notice, PageTitle, SelectField } from '../components/ui';
import { number } from '../format';
import { useLoad } from '../hooks';
import { Link, navigate, useLocation } from '../router';
import { useSession } from '../session';

const QUERY_FIELDS = ['model', 'description', 'dnFrom', 'dnTo', 'node', 'loadId'] as const;
type QueryDraft = Record<(typeof QUERY_FIELDS)[number], string>;
const EMPTY_QUERY: QueryDraft = { model: '', description: '', dnFrom: '', dnTo: '', node: '', loadId: '' };
const MAX_ROWS = 500;

/** Device names from pasted text: one per line, or separated by commas, semicolons or spaces. */
export function namesOf(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** The first column of a CSV file (a phone export or any list); a "Device Name" header row is left out. */
export function firstColumn(csv: string): { names: string[]; headerSkipped: boolean } {
  const cells = csv
    .split(/\r?\n/)
    .map((line) =>
      line
        .split(/[,;\t]/)[0]
        .trim()
        .replace(/^"(.*)"$/, '$1')
        .trim(),
    )
    .filter((c) => c !== '');
  const headerSkipped = cells.length > 0 && /^device\s*name$/i.test(cells[0]);
  return { names: headerSkipped ? cells.slice(1) : cells, headerSkipped };
}

function selectionOf(mode: 'query' | 'names', q: QueryDraft, names: string): PhoneSelection {
  if (mode === 'names') return { deviceNames: namesOf(names) };
  const query: PhoneSelectionQuery = {};
  for (const k of QUERY_FIELDS) if (q[k].trim() !== '') query[k] = q[k].trim();
  return { query };
}

const OUTCOME: Record<MigrationPlan['outcome'], { icon: string; label: string }> = {
  migrate: { icon: '✔', label: 'Migrates' },
  skip: { icon: '–', label: 'Skipped' },
  'cannot-migrate': { icon: '✖', label: 'Cannot migrate' },
};

type Failure = { field?: string; text: string } | null;

function PreviewTable({ preview }: { preview: MigrationPreview }) {
  const [show, setShow] = useState<'all' | MigrationPlan['outcome']>('all');
  const rows = preview.phones.filter((p) => show === 'all' || p.outcome === show);
  return (
    <>
      <div className="toolbar">
        <label htmlFor="mp-show">Show</label>
        <select id="mp-show" value={show} onChange={(e) => setShow(e.target.value as typeof show)}>
          <option value="all">All phones ({number(preview.summary.total)})</option>
          <option value="migrate">Phones that migrate ({number(preview.summary.migrate)})</option>
          <option value="cannot-migrate">
            Phones that cannot migrate ({number(preview.summary.cannotMigrate)})
          </option>
          <option value="skip">Phones skipped ({number(preview.summary.skip)})</option>
        </select>
        {rows.length > MAX_ROWS && (
          <span className="muted">
            The first {MAX_ROWS} of {number(rows.length)} are shown; the job takes them all.
          </span>
        )}
      </div>
      <div className="table-scroll">
        <table className="grid-table preview">
          <thead>
            <tr>
              <th scope="col">Device Name</th>
              <th scope="col">Model</th>
              <th scope="col">Description</th>
              <th scope="col">Lines carried over</th>
              <th scope="col">Running load</th>
              <th scope="col">Intermediate SCCP upgrade</th>
              <th scope="col">Target load</th>
              <th scope="col">Result</th>
              <th scope="col">Why / notes</th>
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 && (
              <tr>
                <td colSpan={9} className="muted">
                  No phone.
                </td>
              </tr>
            )}
            {rows.slice(0, MAX_ROWS).map((p) => (
              <tr key={p.deviceName} data-phone={p.deviceName} className={`plan-${p.outcome}`}>
                <th scope="row">
                  <Link href={`/phones/${encodeURIComponent(p.deviceName)}`}>{p.deviceName}</Link>
                </th>
                <td>{p.model}</td>
                <td>{p.description}</td>
                <td>{p.lines.length > 0 ? p.lines.map((l) => `${l.index}: ${l.dn}`).join(', ') : '—'}</td>
                <td>
                  {p.runningLoadId ?? '—'}
                  {p.runningLoadId && <span className="muted"> ({p.runningLoadSource})</span>}
                </td>
                <td>{p.intermediateLoadId ? `${p.intermediateLoadId} first` : '—'}</td>
                <td>
                  {p.targetLoadId ? (
                    <>
                      {p.targetLoadId} <span className="muted">({p.toProtocol})</span>
                    </>
                  ) : (
                    '—'
                  )}
                </td>
                <td>
                  <span className={`state state-${p.outcome}`}>
                    <span aria-hidden="true">{OUTCOME[p.outcome].icon} </span>
                    {OUTCOME[p.outcome].label}
                  </span>
                </td>
                <td className="why">
                  {p.reason && (
                    <span className={p.outcome === 'cannot-migrate' ? 'why-not' : ''}>{p.reason}</span>
                  )}
                  {p.notes.length > 0 && (
                    <ul className="notes">
                      {p.notes.map((n) => (
                        <li key={n}>{n}</li>
                      ))}
                    </ul>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

/**
 * Bulk Administration > Phones > Migrate Phones: select phones by query or by a list of device
 * names, preview what happens to each, then run the job now or at a set time.
 */
export function MigratePhonesPage() {
  const { canChange } = useSession();
  const { search } = useLocation();
  const models = useLoad(() => get<PhoneModel[]>('/phone-models'), 'models');
  const nodes = useLoad(() => get<NodeInfo[]>('/nodes'), 'nodes');
  const prefilled = search.get('devices') ?? '';
  const [direction, setDirection] = useState<MigrationDirection>(
    search.get('direction') === 'SIP_TO_SCCP' ? 'SIP_TO_SCCP' : 'SCCP_TO_SIP',
  );
  const [mode, setMode] = useState<'query' | 'names'>(prefilled ? 'names' : 'query');
  const [q, setQ] = useState<QueryDraft>(EMPTY_QUERY);
  const [names, setNames] = useState(prefilled.split(',').join('\n'));
  const [fileNote, setFileNote] = useState<string | null>(null);
  const [switchAr, setSwitchAr] = useState(false);
  const [createCredentials, setCreateCredentials] = useState(false);
  const [scheduledAt, setScheduledAt] = useState('');
  const [concurrency, setConcurrency] = useState('');
  const [stepTimeout, setStepTimeout] = useState('');
  const [preview, setPreview] = useState<{ key: string; result: MigrationPreview } | null>(null);
  const [failure, setFailure] = useState<Failure>(null);
  const [busy, setBusy] = useState<'preview' | 'run' | null>(null);
  useEffect(() => {
    document.title = 'Migrate Phones — openucm';
  }, []);

  const selection = selectionOf(mode, q, names);
  const credentials = direction === 'SCCP_TO_SIP' && createCredentials;
  const key = JSON.stringify({ direction, selection, credentials });
  const current = preview?.key === key ? preview.result : null;
  const stale = preview !== null && preview.key !== key;
  const from = direction === 'SCCP_TO_SIP' ? 'SCCP' : 'SIP';
  const to = direction === 'SCCP_TO_SIP' ? 'SIP' : 'SCCP';
  const arWarning = current?.warnings.find((w) => w.code === 'auto-registration-protocol');

  const fail = (err: unknown) => {
    const e = err instanceof ApiError ? err : null;
    setFailure({ field: e?.field, text: e?.message ?? String(err) });
  };
  const errorFor = (...fields: string[]) =>
    failure?.field && fields.some((f) => failure.field === f || failure.field?.startsWith(`${f}.`))
      ? failure.text
      : null;
  const shownBeside = [
    'selection',
    'direction',
    'scheduledAt',
    'concurrency',
    'stepTimeoutSeconds',
    'switchAutoRegistrationProtocol',
    'createSipCredentials',
  ].some((f) => errorFor(f) !== null);

  const runPreview = async (e: FormEvent) => {
    e.preventDefault();
    setBusy('preview');
    setFailure(null);
    try {
      const result = await post<MigrationPreview>('/bulk-jobs', {
        kind: 'migrate-phones',
        direction,
        selection,
        ...(credentials ? { createSipCredentials: true } : {}),
        preview: true,
      });
      setPreview({ key, result });
      setSwitchAr(false);
    } catch (err) {
      setPreview(null);
      fail(err);
    } finally {
      setBusy(null);
    }
  };

  const run = async (when: 'now' | 'scheduled') => {
    if (!current) return;
    let at: string | undefined;
    if (when === 'scheduled') {
      const d = new Date(scheduledAt);
      if (scheduledAt === '' || Number.isNaN(d.getTime())) {
        setFailure({ field: 'scheduledAt', text: 'choose the date and time the job runs' });
        return;
      }
      at = d.toISOString();
    }
    const what = `Migrate ${number(current.summary.migrate)} phone(s) from ${from} to ${to}`;
    const question =
      when === 'now'
        ? `${what} now? Each phone is reset and comes back as a ${to} phone.`
        : `${what} at ${new Date(at!).toLocaleString()}?`;
    if (!window.confirm(question)) return;
    setBusy('run');
    setFailure(null);
    try {
      const job = await post<BulkJob>('/bulk-jobs', {
        kind: 'migrate-phones',
        direction,
        selection,
        ...(at ? { scheduledAt: at } : {}),
        ...(arWarning ? { switchAutoRegistrationProtocol: switchAr } : {}),
        ...(credentials ? { createSipCredentials: true } : {}),
        ...(concurrency.trim() !== '' ? { concurrency: Number(concurrency) } : {}),
        ...(stepTimeout.trim() !== '' ? { stepTimeoutSeconds: Number(stepTimeout) } : {}),
      });
      navigate(`/bulk-jobs/${encodeURIComponent(job.id)}`);
    } catch (err) {
      fail(err);
    } finally {
      setBusy(null);
    }
  };

  const readFile = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    if (!file) return;
    const { names: read, headerSkipped } = firstColumn(await file.text());
    setNames(read.join('\n'));
    setFileNote(
      `${number(read.length)} device name(s) read from the first column of ${file.name}${headerSkipped ? ' (its "Device Name" header row left out)' : ''}. Check them below.`,
    );
  };

  const setQuery = (k: keyof QueryDraft, v: string) => setQ((d) => ({ ...d, [k]: v }));

  return (
    <>
      <PageTitle actions={<Link href="/bulk-jobs">Job Scheduler</Link>}>Migrate Phones</PageTitle>
      <p className="muted">
        Moves phones from one protocol to the other, keeping their device name, description and lines: each
        phone gets the load of the new protocol from <Link href="/device-defaults">Device Defaults</Link>{' '}
        (with an intermediate SCCP load first where its running load needs one), is reset, and must register
        over the new protocol. Preview first: it changes nothing.
      </p>
      <form className="form" onSubmit={runPreview} aria-label="Migrate phones">
        <fieldset disabled={!canChange || busy !== null}>
          <legend>Migration</legend>
          <SelectField
            label="Direction"
            value={direction}
            onChange={(e) => setDirection(e.target.value as MigrationDirection)}
            error={errorFor('direction')}
          >
            <option value="SCCP_TO_SIP">{DIRECTION_LABEL.SCCP_TO_SIP}</option>
            <option value="SIP_TO_SCCP">{DIRECTION_LABEL.SIP_TO_SCCP}</option>
          </SelectField>
        </fieldset>
        <fieldset disabled={!canChange || busy !== null}>
          <legend>Phones to migrate</legend>
          <div className="radios" role="radiogroup" aria-label="Select phones">
            <label>
              <input type="radio" name="mode" checked={mode === 'query'} onChange={() => setMode('query')} />{' '}
              By query ({from} phones matching every field given)
            </label>
            <label>
              <input type="radio" name="mode" checked={mode === 'names'} onChange={() => setMode('names')} />{' '}
              By a list of device names
            </label>
          </div>
          {mode === 'query' ? (
            <>
              <SelectField
                label="Model"
                value={q.model}
                onChange={(e) => setQuery('model', e.target.value)}
                error={errorFor('selection.query.model')}
              >
                <option value="">Any</option>
                {models.data
                  ?.filter((m) => m.protocols.includes(from))
                  .map((m) => (
                    <option key={m.model} value={m.model}>
                      {m.displayName}
                    </option>
                  ))}
              </SelectField>
              <Field
                label="Description contains"
                value={q.description}
                onChange={(e) => setQuery('description', e.target.value)}
                error={errorFor('selection.query.description')}
              />
              <Field
                label="Directory number from"
                value={q.dnFrom}
                inputMode="numeric"
                onChange={(e) => setQuery('dnFrom', e.target.value)}
                error={errorFor('selection.query.dnFrom')}
                hint="A phone is selected when one of its lines has a DN in the range."
              />
              <Field
                label="Directory number to"
                value={q.dnTo}
                inputMode="numeric"
                onChange={(e) => setQuery('dnTo', e.target.value)}
                error={errorFor('selection.query.dnTo')}
              />
              <SelectField
                label="Node"
                value={q.node}
                onChange={(e) => setQuery('node', e.target.value)}
                error={errorFor('selection.query.node')}
                hint="The node the phone is registered with, or was last."
              >
                <option value="">Any</option>
                {nodes.data?.map((n) => (
                  <option key={n.name}>{n.name}</option>
                ))}
              </SelectField>
              <Field
                label="Current load"
                value={q.loadId}
                onChange={(e) => setQuery('loadId', e.target.value)}
                error={errorFor('selection.query.loadId')}
                hint="The load the phone reported, else the one it is configured for (e.g. P00308010200)."
              />
            </>
          ) : (
            <>
              <div className={`field${errorFor('selection.deviceNames') ? ' field-invalid' : ''}`}>
                <label htmlFor="mp-names">Device names</label>
                <div className="field-control">
                  <textarea
                    id="mp-names"
                    rows={6}
                    cols={40}
                    value={names}
                    spellCheck={false}
                    onChange={(e) => setNames(e.target.value)}
                    aria-invalid={errorFor('selection.deviceNames') ? true : undefined}
                    aria-describedby={`mp-names-hint${errorFor('selection.deviceNames') ? ' mp-names-error' : ''}`}
                  />
                  <span id="mp-names-hint" className="hint">
                    One per line, or separated by commas or spaces: {number(namesOf(names).length)} listed.
                  </span>
                  {errorFor('selection.deviceNames') && (
                    <span id="mp-names-error" className="field-error" role="alert">
                      {errorFor('selection.deviceNames')}
                    </span>
                  )}
                </div>
              </div>
              <div className="field">
                <label htmlFor="mp-file">…or read them from a CSV file</label>
                <div className="field-control">
                  <input
                    id="mp-file"
                    type="file"
                    accept=".csv,.txt,text/csv,text/plain"
                    onChange={readFile}
                    aria-describedby="mp-file-hint"
                  />
                  <span id="mp-file-hint" className="hint" aria-live="polite">
                    {fileNote ?? 'The first column of each row (a phone export works as it is).'}
                  </span>
                </div>
              </div>
            </>
          )}
          {errorFor('selection') && !errorFor('selection.query', 'selection.deviceNames') && (
            <Notice kind="error">{errorFor('selection')}</Notice>
          )}
          {direction === 'SCCP_TO_SIP' && (
            <div className="field checkbox">
              <input
                id="mp-sip-credentials"
                type="checkbox"
                checked={createCredentials}
                onChange={(e) => setCreateCredentials(e.target.checked)}
              />
              <label htmlFor="mp-sip-credentials">
                Create SIP credentials for migrated phones that have none
              </label>
              <span className="hint">
                Digest user: the device name; password: generated, carried by the phone&apos;s configuration
                file. You collect the passwords once from the job&apos;s page (the file is the only copy).
              </span>
              {errorFor('createSipCredentials') && (
                <span className="field-error" role="alert">
                  {errorFor('createSipCredentials')}
                </span>
              )}
            </div>
          )}
          <div className="toolbar">
            <button type="submit" className="primary">
              {busy === 'preview' ? 'Previewing…' : 'Preview'}
            </button>
          </div>
        </fieldset>
      </form>
      {failure && !shownBeside && <Notice kind="error">{failure.text}</Notice>}
      {stale && (
        <Notice kind="info">The direction or the selection changed since the preview: preview again.</Notice>
      )}
      {current && (
        <section className="panel" aria-labelledby="preview-title">
          <h2 id="preview-title">Preview: {DIRECTION_LABEL[current.direction]}</h2>
          <p role="status">
            {number(current.summary.total)} phone(s) selected:{' '}
            <strong>{number(current.summary.migrate)}</strong> migrate ({number(current.summary.withUpgrade)}{' '}
            with an intermediate SCCP upgrade first), {number(current.summary.skip)} skipped,{' '}
            <strong>{number(current.summary.cannotMigrate)}</strong> cannot migrate.
          </p>
          {current.warnings.map((w) => (
            <div key={w.code + w.message} className="banner banner-warn" role="status" data-warning={w.code}>
              <p>
                <span aria-hidden="true">⚠ </span>
                <strong>Warning:</strong> {w.message}.
              </p>
              <p>
                <strong>Remedy:</strong> {w.remedy}.
              </p>
              {w.code === 'auto-registration-protocol' && w.switchTo && (
                <div className="field checkbox">
                  <input
                    id="mp-switch-ar"
                    type="checkbox"
                    checked={switchAr}
                    disabled={!canChange}
                    onChange={(e) => setSwitchAr(e.target.checked)}
                  />
                  <label htmlFor="mp-switch-ar">
                    Switch Auto Registration Phone Protocol to {w.switchTo} when the job starts
                  </label>
                  <span className="hint">
                    Or now, under <Link href="/enterprise-parameters">Enterprise Parameters</Link>. It applies
                    to the next registration; no restart.
                  </span>
                </div>
              )}
              {w.code === 'load-not-installed' && (
                <p>
                  <Link href="/firmware-loads">Upload it under Firmware Loads</Link>
                </p>
              )}
            </div>
          ))}
          <PreviewTable preview={current} />
          <fieldset disabled={!canChange || busy !== null || current.summary.migrate === 0}>
            <legend>Run the job</legend>
            <Field
              label="Phones migrated at once"
              type="number"
              min={1}
              max={1000}
              value={concurrency}
              placeholder="20"
              onChange={(e) => setConcurrency(e.target.value)}
              error={errorFor('concurrency')}
            />
            <Field
              label="Step timeout (seconds)"
              type="number"
              min={1}
              max={86400}
              value={stepTimeout}
              placeholder="600"
              onChange={(e) => setStepTimeout(e.target.value)}
              error={errorFor('stepTimeoutSeconds')}
              hint="How long one step may wait for a phone before the phone fails at that step."
            />
            <Field
              label="Run at"
              type="datetime-local"
              value={scheduledAt}
              onChange={(e) => setScheduledAt(e.target.value)}
              error={errorFor('scheduledAt')}
              hint="Your local time; used by Schedule. Run now ignores it."
            />
            {errorFor('switchAutoRegistrationProtocol') && (
              <Notice kind="error">{errorFor('switchAutoRegistrationProtocol')}</Notice>
            )}
            <div className="toolbar">
              <button type="button" className="primary" onClick={() => run('now')}>
                {busy === 'run' ? 'Starting…' : 'Run now'}
              </button>
              <button type="button" onClick={() => run('scheduled')} disabled={scheduledAt === ''}>
                Schedule
              </button>
              {current.summary.migrate === 0 && (
                <span className="muted">No phone of this selection can migrate.</span>
              )}
            </div>
          </fieldset>
        </section>
      )}
    </>
  );
}
