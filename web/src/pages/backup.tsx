import type { FormEvent } from 'react';
import { useEffect, useState } from 'react';
import { ApiError, get, patch, post } from '../api/client';
import type { BackupRecord, BackupSchedule, BackupStatus } from '../api/types';
import { Field, Loading, Notice, PageTitle, SelectField } from '../components/ui';
import { byteSize, dateTime, number } from '../format';
import { useLoad } from '../hooks';
import { useSession } from '../session';

type Result = { kind: 'ok' | 'error'; text: string; field?: string } | null;

function LastBackup({ last, running }: { last: BackupRecord | null; running: boolean }) {
  return (
    <section className="panel" aria-labelledby="last-backup">
      <h2 id="last-backup">Last backup</h2>
      {running && <Notice kind="info">A backup is running on this node.</Notice>}
      {!last ? (
        <p className="muted">No backup has been made by a node yet.</p>
      ) : (
        <dl className="facts">
          <dt>Outcome</dt>
          <dd>
            <span className={`badge badge-${last.outcome === 'succeeded' ? 'registered' : 'rejected'}`}>
              {last.outcome === 'succeeded' ? 'Succeeded' : 'Failed'}
            </span>{' '}
            {last.trigger === 'scheduled' ? 'scheduled' : 'started by hand'}, on {last.node}
          </dd>
          <dt>When</dt>
          <dd>
            {dateTime(last.startedAt)} (took{' '}
            {number(
              Math.max(0, Math.round((Date.parse(last.finishedAt) - Date.parse(last.startedAt)) / 1000)),
            )}{' '}
            s)
          </dd>
          <dt>Where</dt>
          <dd>{last.file ?? '—'}</dd>
          <dt>Size</dt>
          <dd>{last.bytes === null ? '—' : byteSize(last.bytes)}</dd>
          <dt>{last.outcome === 'succeeded' ? 'Holds' : 'Why'}</dt>
          <dd>{last.message}</dd>
        </dl>
      )}
    </section>
  );
}

function ScheduleForm({
  initial,
  nodes,
  onSaved,
}: {
  initial: BackupSchedule;
  nodes: string[];
  onSaved: () => void;
}) {
  const { canChange } = useSession();
  const [enabled, setEnabled] = useState(initial.enabled);
  const [intervalHours, setIntervalHours] = useState(String(initial.intervalHours));
  const [directory, setDirectory] = useState(initial.directory);
  const [keep, setKeep] = useState(String(initial.keep));
  const [node, setNode] = useState(initial.node);
  const [result, setResult] = useState<Result>(null);
  useEffect(() => {
    setEnabled(initial.enabled);
    setIntervalHours(String(initial.intervalHours));
    setDirectory(initial.directory);
    setKeep(String(initial.keep));
    setNode(initial.node);
  }, [initial]);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    try {
      const saved = await patch<BackupSchedule>('/backups/schedule', {
        enabled,
        intervalHours: Number(intervalHours),
        directory,
        keep: Number(keep),
        node,
      });
      setResult({
        kind: 'ok',
        text: saved.enabled
          ? `Saved. ${saved.node} backs up every ${saved.intervalHours} h into ${saved.directory} and keeps ${saved.keep} archive(s).`
          : 'Saved. Scheduled backups are off.',
      });
      onSaved();
    } catch (err) {
      setResult({
        kind: 'error',
        text: err instanceof ApiError ? err.message : String(err),
        field: err instanceof ApiError ? err.field : undefined,
      });
    }
  };
  const fieldError = (f: string) => (result?.kind === 'error' && result.field === f ? result.text : null);

  return (
    <form onSubmit={save} className="form" aria-labelledby="backup-schedule">
      <fieldset disabled={!canChange}>
        <legend id="backup-schedule">Scheduled backup</legend>
        {result?.kind === 'ok' && <Notice kind="ok">{result.text}</Notice>}
        {result?.kind === 'error' && !result.field && <Notice kind="error">{result.text}</Notice>}
        <div className="field checkbox">
          <input
            id="backup-enabled"
            type="checkbox"
            checked={enabled}
            onChange={(e) => setEnabled(e.target.checked)}
          />
          <label htmlFor="backup-enabled">Back up on a schedule</label>
        </div>
        <Field
          label="Interval (hours)"
          type="number"
          min={1}
          max={8760}
          value={intervalHours}
          onChange={(e) => setIntervalHours(e.target.value)}
          error={fieldError('intervalHours')}
          hint="From one backup's start to the next one's; 24 backs up once a day."
        />
        <Field
          label="Directory"
          value={directory}
          onChange={(e) => setDirectory(e.target.value)}
          error={fieldError('directory')}
          hint="Absolute path on the machine of the node below. Keep copies elsewhere too: a backup on the same disk does not survive the disk."
        />
        <Field
          label="Archives to keep"
          type="number"
          min={1}
          max={1000}
          value={keep}
          onChange={(e) => setKeep(e.target.value)}
          error={fieldError('keep')}
          hint="After each successful backup, older archives in the directory are deleted."
        />
        <SelectField
          label="Node that backs up"
          value={node}
          onChange={(e) => setNode(e.target.value)}
          error={fieldError('node')}
          hint="In a cluster one node backs up the shared database."
        >
          {nodes.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
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

/** System > Backup: the last backup, "back up now", the schedule and the archives kept. */
export function BackupPage() {
  const { canChange } = useSession();
  const status = useLoad(() => get<BackupStatus>('/backups'), 'backups');
  const nodes = useLoad(() => get<{ name: string }[]>('/nodes'), 'nodes');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<Result>(null);
  useEffect(() => {
    document.title = 'Backup — openucm';
  }, []);

  const backUpNow = async () => {
    setBusy(true);
    setResult(null);
    try {
      const record = await post<BackupRecord>('/backups');
      setResult({
        kind: 'ok',
        text: `Backed up to ${record.file} (${byteSize(record.bytes ?? 0)}): ${record.message}.`,
      });
    } catch (err) {
      setResult({ kind: 'error', text: err instanceof ApiError ? err.message : String(err) });
    } finally {
      setBusy(false);
      status.reload();
    }
  };

  return (
    <>
      <PageTitle
        actions={
          canChange && (
            <button
              type="button"
              className="primary"
              onClick={backUpNow}
              disabled={busy || status.data?.running}
            >
              {busy ? 'Backing up…' : 'Back up now'}
            </button>
          )
        }
      >
        Backup
      </PageTitle>
      <p className="muted">
        A backup holds the database (phones, DNs, users, settings, events) and the firmware loads. Restore one
        with <code>openucm restore</code> on the node&apos;s machine, the node stopped (see README: Backup and
        restore).
      </p>
      {result && <Notice kind={result.kind}>{result.text}</Notice>}
      <Loading error={status.error ?? nodes.error} loading={!status.data || !nodes.data} />
      {status.data && <LastBackup last={status.data.last} running={status.data.running} />}
      {status.data && nodes.data && (
        <ScheduleForm
          initial={status.data.schedule}
          nodes={nodes.data.map((n) => n.name)}
          onSaved={status.reload}
        />
      )}
      {status.data && (
        <section className="panel" aria-labelledby="archives-title">
          <h2 id="archives-title">Archives in {status.data.schedule.directory}</h2>
          {status.data.nextAt && <p>Next scheduled backup: {dateTime(status.data.nextAt)}.</p>}
          <table className="grid-table">
            <thead>
              <tr>
                <th scope="col">File</th>
                <th scope="col" className="num">
                  Size
                </th>
                <th scope="col">Written</th>
              </tr>
            </thead>
            <tbody>
              {status.data.archives.length === 0 && (
                <tr>
                  <td colSpan={3} className="muted">
                    No archive in this directory, as this node sees it.
                  </td>
                </tr>
              )}
              {status.data.archives.map((a) => (
                <tr key={a.file}>
                  <td>{a.file}</td>
                  <td className="num" title={`${number(a.bytes)} bytes`}>
                    {byteSize(a.bytes)}
                  </td>
                  <td className="nowrap">{dateTime(a.modifiedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </>
  );
}
