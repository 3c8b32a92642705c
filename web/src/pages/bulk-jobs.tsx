import { useEffect, useState } from 'react';
import { ApiError, getCsrfToken, get, post, query } from '../api/client';
import type {
  BulkJob,
  BulkJobItem,
  BulkJobProgressEvent,
  BulkJobStatus,
  ItemState,
  Page,
} from '../api/types';
import {
  DIRECTION_LABEL,
  JOB_FINISHED,
  JOB_STATUS_LABEL,
  JobStatusBadge,
  ProgressBar,
  STATE_LABEL,
  STEP_LABEL,
  StateText,
  StepTable,
} from '../components/job-progress';
import { Loading, Notice, PageTitle, Pager } from '../components/ui';
import { dateTime, number } from '../format';
import { useInterval, useLoad, useThrottle } from '../hooks';
import { useLiveEvent, useLiveState } from '../live';
import { Link, navigate, useLocation } from '../router';
import { useSession } from '../session';

// Without the live stream (a proxy that buffers it, a lost connection), pages poll the job.
const POLL_MS = 2000;

function selectionText(job: BulkJob): string {
  const s = job.options.selection;
  if ('deviceNameCount' in s) return `${number(s.deviceNameCount)} listed device name(s)`;
  const parts = Object.entries(s.query)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => `${k} ${String(v)}`);
  return parts.length > 0 ? `query: ${parts.join(', ')}` : 'query: every phone';
}

/** Bulk Administration > Job Scheduler: the Migrate Phones jobs, newest first, progress live. */
export function BulkJobsPage() {
  const { search } = useLocation();
  const page = Number(search.get('page') ?? 1) || 1;
  const status = (search.get('status') ?? '') as BulkJobStatus | '';
  const list = useLoad(
    () => get<Page<BulkJob>>(`/bulk-jobs${query({ status, page, pageSize: 20 })}`),
    search.toString(),
  );
  const [rows, setRows] = useState<BulkJob[]>([]);
  useEffect(() => setRows(list.data?.items ?? []), [list.data]);
  useEffect(() => {
    document.title = 'Job Scheduler — openucm';
  }, []);
  const refresh = useThrottle(list.reload, 2000);
  const live = useLiveState();
  useLiveEvent('bulk-job-progress', (e) => {
    setRows((current) =>
      current.map((j) => (j.id === e.jobId ? { ...j, status: e.status, progress: e.progress } : j)),
    );
    if (!rows.some((j) => j.id === e.jobId) || JOB_FINISHED.includes(e.status)) refresh();
  });
  useInterval(() => {
    if (live !== 'live' && rows.some((j) => !JOB_FINISHED.includes(j.status))) list.reload();
  }, POLL_MS);

  const go = (changes: Record<string, string | number>) => {
    const next = new URLSearchParams(search);
    for (const [k, v] of Object.entries(changes)) {
      if (v === '') next.delete(k);
      else next.set(k, String(v));
    }
    navigate(`/bulk-jobs?${next.toString()}`);
  };

  return (
    <>
      <PageTitle actions={<Link href="/migrate-phones">Migrate Phones…</Link>}>Job Scheduler</PageTitle>
      <div className="filters" role="search" aria-label="Filter jobs">
        <div className="filter">
          <label htmlFor="jobs-status">Status</label>
          <select id="jobs-status" value={status} onChange={(e) => go({ status: e.target.value, page: 1 })}>
            <option value="">Any</option>
            {(Object.keys(JOB_STATUS_LABEL) as BulkJobStatus[]).map((s) => (
              <option key={s} value={s}>
                {JOB_STATUS_LABEL[s]}
              </option>
            ))}
          </select>
        </div>
      </div>
      <Loading error={list.error} loading={list.loading && !list.data} />
      {list.data && (
        <>
          <Pager page={page} pageSize={20} total={list.data.total} onPage={(p) => go({ page: p })} />
          <table className="grid-table jobs">
            <thead>
              <tr>
                <th scope="col">Job</th>
                <th scope="col">Status</th>
                <th scope="col">Direction</th>
                <th scope="col">Phones</th>
                <th scope="col">Progress</th>
                <th scope="col">Created</th>
                <th scope="col">Runs at</th>
                <th scope="col">Node</th>
              </tr>
            </thead>
            <tbody>
              {rows.length === 0 && (
                <tr>
                  <td colSpan={8} className="muted">
                    No job yet. <Link href="/migrate-phones">Migrate Phones</Link> creates one.
                  </td>
                </tr>
              )}
              {rows.map((j) => (
                <tr key={j.id} data-job={j.id}>
                  <th scope="row">
                    <Link href={`/bulk-jobs/${encodeURIComponent(j.id)}`} title={j.id}>
                      {j.id.slice(0, 8)}
                    </Link>
                  </th>
                  <td>
                    <JobStatusBadge status={j.status} />
                  </td>
                  <td>{DIRECTION_LABEL[j.direction]}</td>
                  <td className="num">{number(j.progress.total)}</td>
                  <td className="nowrap">
                    <progress max={100} value={j.progress.percent} aria-label={`Progress of job ${j.id}`} />{' '}
                    {j.progress.percent}% ({number(j.progress.counts.done)} done,{' '}
                    {number(j.progress.counts.failed)} failed
                    {j.progress.counts.skipped + j.progress.counts.cancelled > 0 &&
                      `, ${number(j.progress.counts.skipped + j.progress.counts.cancelled)} skipped or cancelled`}
                    )
                  </td>
                  <td className="nowrap">
                    {dateTime(j.createdAt)} <span className="muted">by {j.createdBy}</span>
                  </td>
                  <td className="nowrap">{j.scheduledAt ? dateTime(j.scheduledAt) : 'at once'}</td>
                  <td>{j.node}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </>
  );
}

const ITEM_STATES: ItemState[] = ['pending', 'running', 'waiting', 'done', 'failed', 'skipped', 'cancelled'];

function JobItems({ id, version }: { id: string; version: number }) {
  const [state, setState] = useState<ItemState | ''>('');
  const [page, setPage] = useState(1);
  const items = useLoad(
    () =>
      get<Page<BulkJobItem>>(
        `/bulk-jobs/${encodeURIComponent(id)}/items${query({ state, page, pageSize: 100 })}`,
      ),
    `${id}-${state}-${page}`,
  );
  const reload = items.reload;
  useEffect(() => {
    if (version > 0) reload();
  }, [version, reload]);

  return (
    <section className="panel" aria-labelledby="items-title">
      <h2 id="items-title">Report, phone by phone</h2>
      <div className="toolbar">
        <label htmlFor="items-state">Show</label>
        <select
          id="items-state"
          value={state}
          onChange={(e) => {
            setState(e.target.value as ItemState | '');
            setPage(1);
          }}
        >
          <option value="">Every phone</option>
          {ITEM_STATES.map((s) => (
            <option key={s} value={s}>
              {STATE_LABEL[s].label}
            </option>
          ))}
        </select>
        <a href={`/api/v1/bulk-jobs/${encodeURIComponent(id)}/report.csv`} download className="button">
          Download CSV
        </a>
      </div>
      <Loading error={items.error} loading={items.loading && !items.data} />
      {items.data && (
        <>
          <Pager page={page} pageSize={100} total={items.data.total} onPage={setPage} />
          <table className="grid-table job-items">
            <thead>
              <tr>
                <th scope="col" className="num">
                  #
                </th>
                <th scope="col">Device Name</th>
                <th scope="col">Model</th>
                <th scope="col">Lines</th>
                <th scope="col">Target load</th>
                <th scope="col">Step</th>
                <th scope="col">State</th>
                <th scope="col">Detail</th>
                <th scope="col">Started</th>
                <th scope="col">Finished</th>
              </tr>
            </thead>
            <tbody>
              {items.data.items.length === 0 && (
                <tr>
                  <td colSpan={10} className="muted">
                    No phone in this state.
                  </td>
                </tr>
              )}
              {items.data.items.map((i) => (
                <tr key={i.position} data-phone={i.deviceName} className={`item-${i.state}`}>
                  <td className="num">{i.position + 1}</td>
                  <th scope="row">
                    <Link href={`/phones/${encodeURIComponent(i.deviceName)}`}>{i.deviceName}</Link>
                  </th>
                  <td>{i.plan.model}</td>
                  <td>{i.plan.lines.map((l) => l.dn).join(', ') || '—'}</td>
                  <td>
                    {i.plan.intermediateLoadId && (
                      <span className="muted">{i.plan.intermediateLoadId}, then </span>
                    )}
                    {i.plan.targetLoadId ?? '—'}
                  </td>
                  <td>{i.state === 'skipped' ? '—' : STEP_LABEL[i.step]}</td>
                  <td>
                    <StateText state={i.state} />
                  </td>
                  <td>{i.reason ?? ''}</td>
                  <td className="nowrap">{dateTime(i.startedAt)}</td>
                  <td className="nowrap">{dateTime(i.finishedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

/** One job: live progress, step by step; Pause / Resume / Cancel; the per-phone report. */
/** The SIP passwords the job generated: collected once as a CSV file, which is then the only copy. */
function GeneratedPasswords({
  id,
  waiting,
  onCollected,
}: {
  id: string;
  waiting: number;
  onCollected: () => void;
}) {
  const { canChange } = useSession();
  const [result, setResult] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const collect = async () => {
    if (
      !window.confirm(
        `Download the ${waiting} generated SIP password(s)? The node deletes them as it sends them.`,
      )
    )
      return;
    try {
      const r = await fetch(`/api/v1/bulk-jobs/${encodeURIComponent(id)}/sip-passwords`, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'x-requested-with': 'openucm-ui', 'x-csrf-token': getCsrfToken() ?? '' },
      });
      if (!r.ok) {
        const e = (await r.json().catch(() => ({}))) as { message?: string };
        setResult({ kind: 'error', text: e.message ?? `the node answered ${r.status}` });
        return;
      }
      const url = URL.createObjectURL(await r.blob());
      const a = document.createElement('a');
      a.href = url;
      a.download = `bulk-job-${id}-sip-passwords.csv`;
      a.click();
      URL.revokeObjectURL(url);
      setResult({
        kind: 'ok',
        text: 'Downloaded. Keep the file safe: it is the only copy (the phones have theirs in their configuration files).',
      });
      onCollected();
    } catch (err) {
      setResult({ kind: 'error', text: String(err) });
    }
  };
  return (
    <section className="panel" aria-labelledby="passwords-title">
      <h2 id="passwords-title">Generated SIP passwords</h2>
      {result && <Notice kind={result.kind}>{result.text}</Notice>}
      <p>
        {waiting > 0
          ? `${waiting} password(s) wait to be collected. They are handed out once, as a CSV file (Device Name, Digest User, SIP Password).`
          : 'No generated password waits: a phone gets one when it is switched to SIP, and collected ones are no longer on the node (set a new one on the phone’s page if one is lost).'}
      </p>
      <div className="toolbar">
        <button type="button" onClick={collect} disabled={!canChange || waiting === 0}>
          Download SIP passwords (once)
        </button>
      </div>
    </section>
  );
}

export function BulkJobPage({ id }: { id: string }) {
  const { canChange } = useSession();
  const job = useLoad(() => get<BulkJob>(`/bulk-jobs/${encodeURIComponent(id)}`), id);
  const [pushed, setPushed] = useState<BulkJobProgressEvent | null>(null);
  const [itemsVersion, setItemsVersion] = useState(0);
  const [result, setResult] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const live = useLiveState();
  useEffect(() => {
    document.title = `Job ${id.slice(0, 8)} — openucm`;
  }, [id]);
  // A fresh answer of the API is at least as new as the events before it.
  useEffect(() => setPushed(null), [job.data]);

  const status = pushed?.status ?? job.data?.status;
  const progress = pushed?.progress ?? job.data?.progress;
  const finished = status !== undefined && JOB_FINISHED.includes(status);

  const refreshJob = useThrottle(job.reload, POLL_MS);
  const refreshItems = useThrottle(() => setItemsVersion((v) => v + 1), 1000);
  useLiveEvent('bulk-job-progress', (e) => {
    if (e.jobId !== id) return;
    setPushed(e);
    refreshItems();
    // Times, notes and the final message come with the job itself.
    if (e.status !== job.data?.status) refreshJob();
  });
  useInterval(() => {
    if (live === 'live' || finished || !job.data) return;
    job.reload();
    setItemsVersion((v) => v + 1);
  }, POLL_MS);

  const act = async (action: 'pause' | 'resume' | 'cancel') => {
    if (
      action === 'cancel' &&
      !window.confirm(
        'Cancel this job? Phones not started stay as they are; phones in progress stop at their step, each reported.',
      )
    )
      return;
    try {
      const j = await post<BulkJob>(`/bulk-jobs/${encodeURIComponent(id)}/${action}`);
      setResult({ kind: 'ok', text: `Job ${JOB_STATUS_LABEL[j.status].toLowerCase()}.` });
      job.reload();
      setItemsVersion((v) => v + 1);
    } catch (err) {
      setResult({ kind: 'error', text: err instanceof ApiError ? err.message : String(err) });
    }
  };

  const j = job.data;
  return (
    <>
      <PageTitle
        actions={
          j && (
            <>
              <button
                type="button"
                onClick={() => act('pause')}
                disabled={!canChange || finished || status === 'paused'}
              >
                Pause
              </button>
              <button
                type="button"
                onClick={() => act('resume')}
                disabled={!canChange || status !== 'paused'}
              >
                Resume
              </button>
              <button
                type="button"
                className="danger"
                onClick={() => act('cancel')}
                disabled={!canChange || finished}
              >
                Cancel job
              </button>
            </>
          )
        }
      >
        Migrate Phones job {id.slice(0, 8)}
      </PageTitle>
      <p>
        <Link href="/bulk-jobs">← Job Scheduler</Link>
      </p>
      <Loading error={job.error} loading={!j && job.loading} />
      {result && <Notice kind={result.kind}>{result.text}</Notice>}
      {j && status && progress && (
        <>
          <section className="panel status-panel" aria-labelledby="job-status-title">
            <h2 id="job-status-title">Status</h2>
            <dl className="facts">
              <dt>Status</dt>
              <dd data-testid="job-status" aria-live="polite">
                <JobStatusBadge status={status} />
                {j.message && <span> — {j.message}</span>}
              </dd>
              <dt>Direction</dt>
              <dd>{DIRECTION_LABEL[j.direction]}</dd>
              <dt>Phones</dt>
              <dd>{selectionText(j)}</dd>
              <dt>Options</dt>
              <dd>
                {j.options.concurrency} at once; {j.options.stepTimeoutSeconds} s per step
                {j.options.switchAutoRegistrationProtocol
                  ? `; switches Auto Registration Phone Protocol to ${j.direction === 'SCCP_TO_SIP' ? 'SIP' : 'SCCP'} when it starts`
                  : ''}
                {j.options.createSipCredentials ? '; creates SIP credentials for phones that have none' : ''}
              </dd>
              <dt>Created</dt>
              <dd>
                {dateTime(j.createdAt)} by {j.createdBy} on {j.node}
              </dd>
              <dt>Runs at</dt>
              <dd>{j.scheduledAt ? dateTime(j.scheduledAt) : 'at once'}</dd>
              <dt>Started</dt>
              <dd>{dateTime(j.startedAt)}</dd>
              <dt>Finished</dt>
              <dd>{dateTime(j.finishedAt)}</dd>
              <dt>Job id</dt>
              <dd>
                <code>{j.id}</code>
              </dd>
            </dl>
            <ProgressBar progress={progress} label="Job progress" />
            <p className="muted">
              {live === 'live'
                ? 'Progress is pushed by the node as it happens.'
                : `The live stream is ${live}: the page asks the node every ${POLL_MS / 1000} s.`}
            </p>
          </section>
          <StepTable progress={progress} />
          {j.options.createSipCredentials && (
            <GeneratedPasswords id={id} waiting={j.sipPasswordsWaiting} onCollected={job.reload} />
          )}
          {j.notes.length > 0 && (
            <section className="panel" aria-labelledby="notes-title">
              <h2 id="notes-title">Notes</h2>
              <ul className="notes">
                {j.notes.map((n) => (
                  <li key={n.at + n.message}>
                    <span className="nowrap muted">{dateTime(n.at)}</span> {n.message}
                  </li>
                ))}
              </ul>
            </section>
          )}
          <JobItems id={id} version={itemsVersion} />
        </>
      )}
    </>
  );
}
