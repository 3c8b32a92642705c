import { useEffect } from 'react';
import { get } from '../api/client';
import type { CertificateStatus, Dashboard, StatusCounts } from '../api/types';
import { CallChart, RegistrationChart } from '../components/minute-chart';
import { Loading, Notice, PageTitle } from '../components/ui';
import { dateTime, number } from '../format';
import { useInterval, useLoad, useThrottle } from '../hooks';
import { useLiveEvent } from '../live';
import { Link } from '../router';
import { CertificatePanel } from './certificates';

function CountsTable({
  caption,
  head,
  rows,
}: {
  caption: string;
  head: string;
  rows: (StatusCounts & { key: string; label: string })[];
}) {
  const total = rows.reduce(
    (t, r) => ({
      registered: t.registered + r.registered,
      unregistered: t.unregistered + r.unregistered,
      rejected: t.rejected + r.rejected,
    }),
    { registered: 0, unregistered: 0, rejected: 0 },
  );
  return (
    <table className="grid-table counts">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{head}</th>
          <th scope="col">Registered</th>
          <th scope="col">Unregistered</th>
          <th scope="col">Rejected</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key}>
            <th scope="row">{r.label}</th>
            <td className="num ok">{number(r.registered)}</td>
            <td className="num">{number(r.unregistered)}</td>
            <td className={`num${r.rejected > 0 ? ' bad' : ''}`}>{number(r.rejected)}</td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row">Total</th>
          <td className="num">{number(total.registered)}</td>
          <td className="num">{number(total.unregistered)}</td>
          <td className="num">{number(total.rejected)}</td>
        </tr>
      </tfoot>
    </table>
  );
}

export function DashboardPage() {
  const { data, error, loading, reload } = useLoad(() => get<Dashboard>('/dashboard'), 'dashboard');
  const certificate = useLoad(() => get<CertificateStatus>('/certificate'), 'certificate');
  const refresh = useThrottle(reload, 1000);
  useLiveEvent('registration-event', refresh);
  useLiveEvent('device-status', refresh);
  useLiveEvent('configuration-changed', refresh);
  useLiveEvent('pending-phone', refresh);
  useLiveEvent('call-detail-record', refresh);
  // Calls active now: the count changes when a call starts or ends, not at each digit or state.
  useLiveEvent('active-call', (change) => {
    if (change.ended || change.call.state === 'dialling') refresh();
  });
  // The hour slides even when nothing happens.
  useInterval(reload, 60_000);
  useEffect(() => {
    document.title = 'Dashboard — openucm';
  }, []);

  return (
    <>
      <PageTitle>Dashboard</PageTitle>
      {!data && <Loading error={error} loading={loading} />}
      {certificate.data && <CertificatePanel c={certificate.data} />}
      {data && (
        <div className="dashboard">
          <section aria-labelledby="ar-title" className="panel wide">
            <h2 id="ar-title">Auto-registration</h2>
            <ul className="plain">
              {data.autoRegistration.map((n) => (
                <li key={n.node}>
                  <Link href={`/nodes/${encodeURIComponent(n.node)}`}>{n.summary}</Link>
                  {n.enabled && n.onForDays !== null && (
                    <span className="muted">
                      {' '}
                      — on for {n.onForDays} day{n.onForDays === 1 ? '' : 's'} (since {dateTime(n.changedAt)})
                    </span>
                  )}
                  {n.warning && <Notice kind="warn">{n.warning}</Notice>}
                  <div className="guard">
                    <Link href={`/nodes/${encodeURIComponent(n.node)}`}>{n.guard}</Link>
                  </div>
                </li>
              ))}
            </ul>
            {data.pendingPhones.summary && (
              <p className="pending-phones-summary">
                <Link href="/pending-phones">{data.pendingPhones.summary}</Link>
              </p>
            )}
            <p className="hint">
              Warning after {data.warningDays} days on (change it under{' '}
              <Link href="/enterprise-parameters">System &gt; Enterprise Parameters</Link>).
            </p>
          </section>
          {data.sipWithoutCredentials.warning && (
            <section aria-labelledby="sip-cred-title" className="panel wide">
              <h2 id="sip-cred-title">SIP passwords</h2>
              <Notice kind="warn">{data.sipWithoutCredentials.warning}</Notice>
              <p className="hint">
                <Link href="/enterprise-parameters">System &gt; Enterprise Parameters</Link> decides whether
                SIP devices without credentials may register.
              </p>
            </section>
          )}
          <section aria-labelledby="counts-title" className="panel">
            <h2 id="counts-title">Phones</h2>
            <CountsTable
              caption="By protocol"
              head="Protocol"
              rows={data.byProtocol.map((p) => ({ ...p, key: p.protocol, label: p.protocol }))}
            />
            <CountsTable
              caption="By node (where each phone last registered)"
              head="Node"
              rows={data.byNode.map((n) => ({
                ...n,
                key: n.node ?? '-',
                label: n.node ?? 'never registered',
              }))}
            />
          </section>
          <section aria-labelledby="chart-title" className="panel">
            <h2 id="chart-title">Registrations and rejections, last hour</h2>
            <RegistrationChart minutes={data.minutes} />
          </section>
          <section aria-labelledby="failures-title" className="panel">
            <h2 id="failures-title">Failed calls by cause, last 24 hours</h2>
            {data.calls.failuresByCause.length === 0 ? (
              <p className="muted">No call failed in the last 24 hours.</p>
            ) : (
              <table className="grid-table failures">
                <thead>
                  <tr>
                    <th scope="col">Q.850 cause</th>
                    <th scope="col">Calls</th>
                  </tr>
                </thead>
                <tbody>
                  {data.calls.failuresByCause.map((f) => (
                    <tr key={f.cause}>
                      <th scope="row">
                        <Link
                          href={`/call-detail-records?cause=${f.cause}`}
                          title={`The call detail records with cause ${f.cause}`}
                        >
                          {f.cause} {f.name}
                        </Link>
                      </th>
                      <td className="num bad">{number(f.calls)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            <p className="hint">
              A call failed when it ended with a cause other than normal clearing (16). Open a record&apos;s{' '}
              <strong>Why?</strong> to see what broke it.
            </p>
          </section>
          <section aria-labelledby="calls-title" className="panel">
            <h2 id="calls-title">Calls, last hour</h2>
            <p className="calls-now">
              <Link href="/active-calls">
                {number(data.calls.activeNow)} call{data.calls.activeNow === 1 ? '' : 's'} active now
              </Link>{' '}
              <span className="muted">on this node</span>
            </p>
            <CallChart minutes={data.calls.minutes} />
          </section>
          <section aria-labelledby="flood-title" className="panel wide">
            <h2 id="flood-title">Refused registrations by source, last {data.refusedMinutes} minutes</h2>
            {data.refusedSources.length === 0 ? (
              <p className="muted">No registration was refused in the last {data.refusedMinutes} minutes.</p>
            ) : (
              <ul className="plain refused-sources">
                {data.refusedSources.map((s) => (
                  <li key={s.sourceIp}>
                    <Link
                      href={`/registration-events?outcome=rejected&address=${encodeURIComponent(s.sourceIp)}`}
                      title={`The refusals of ${s.sourceIp}`}
                    >
                      {s.summary}
                    </Link>
                    <span className="muted"> — last at {dateTime(s.lastAt)}</span>
                  </li>
                ))}
              </ul>
            )}
            <p className="hint">
              Identical refusals (same device, reason and address) within a minute are one event with a count.
              A flood from an address that holds no phone of yours is an attack: block it at the firewall.
            </p>
          </section>
          <section aria-labelledby="rej-title" className="panel wide">
            <h2 id="rej-title">Last rejections</h2>
            {data.lastRejections.length === 0 ? (
              <p className="muted">No phone has been rejected.</p>
            ) : (
              <table className="grid-table">
                <thead>
                  <tr>
                    <th scope="col">Time</th>
                    <th scope="col">Device</th>
                    <th scope="col">Protocol</th>
                    <th scope="col">What happened</th>
                    <th scope="col">Remedy</th>
                  </tr>
                </thead>
                <tbody>
                  {data.lastRejections.map((e) => (
                    <tr key={e.id ?? `${e.at}-${e.deviceName}`}>
                      <td className="nowrap">{dateTime(e.at)}</td>
                      <td>
                        <Link href={`/registration-events?device=${encodeURIComponent(e.deviceName)}`}>
                          {e.deviceName}
                        </Link>
                      </td>
                      <td>{e.protocol}</td>
                      <td>
                        {e.message}
                        {e.count && e.count > 1 ? (
                          <span className="muted">
                            {' '}
                            ({number(e.count)} times, last {dateTime(e.lastAt)})
                          </span>
                        ) : null}
                      </td>
                      <td className="remedy">{e.remedy}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            <p>
              <Link href="/registration-events?outcome=rejected">All rejections…</Link>
            </p>
          </section>
        </div>
      )}
    </>
  );
}
