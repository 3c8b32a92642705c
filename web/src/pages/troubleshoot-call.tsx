import type { FormEvent } from 'react';
import { useEffect, useState } from 'react';
import { get, query } from '../api/client';
import type { CallCheck, CallDiagnosis } from '../api/types';
import { Field, Loading, PageTitle } from '../components/ui';
import { useLoad } from '../hooks';
import { Link, navigate, useLocation } from '../router';
import type { FixLink } from '../components/check-item';
import { CheckItem, Verdict } from '../components/check-item';

/** The pages where the remedy of a check is carried out. */
function fixLinks(check: CallCheck, d: CallDiagnosis): FixLink[] {
  const devices = [...check.detail.matchAll(/SEP[0-9A-F]{12}/g)].map((m) => m[0]);
  const unique = [...new Set(devices)];
  switch (check.id) {
    case 'called-number':
      return [
        { href: '/directory-numbers', label: 'Directory Number' },
        { href: '/phones', label: 'Find and List Phones' },
      ];
    case 'registration':
      return unique.flatMap((name) => [
        { href: `/troubleshoot${query({ device: name })}`, label: `Why isn't ${name} registering?` },
        { href: `/registration-events${query({ device: name })}`, label: `Registration events of ${name}` },
      ]);
    case 'busy':
      return [{ href: `/active-calls${query({ number: d.called })}`, label: `Active calls of ${d.called}` }];
    case 'codec':
    case 'media':
      return unique.map((name) => ({ href: `/phones/${encodeURIComponent(name)}`, label: `Phone ${name}` }));
    default:
      return [];
  }
}

/**
 * Monitoring > Why did this call fail?: from a Call Detail Record (its Why? button) or from two
 * numbers, walks what the call met and names what broke it with the remedy.
 */
export function TroubleshootCallPage() {
  const { search } = useLocation();
  const cdr = search.get('cdr') ?? '';
  const calling = search.get('calling') ?? '';
  const called = search.get('called') ?? '';
  const [draft, setDraft] = useState({ calling, called });
  const queryKey = search.toString();
  useEffect(() => setDraft({ calling, called }), [queryKey]);
  useEffect(() => {
    document.title = 'Why did this call fail? — openucm';
  }, []);

  const result = useLoad(async () => {
    if (/^\d+$/.test(cdr)) return get<CallDiagnosis>(`/call-detail-records/${cdr}/diagnosis`);
    if (called) return get<CallDiagnosis>(`/call-diagnosis${query({ calling, called })}`);
    return null;
  }, queryKey);
  const d = result.data;
  // Opened from a record: show the numbers it was between.
  useEffect(() => {
    if (d && cdr) setDraft({ calling: d.calling, called: d.called });
  }, [d, cdr]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    navigate(`/troubleshoot-call${query({ calling: draft.calling.trim(), called: draft.called.trim() })}`);
  };
  const kind = d?.firstProblem ? 'problem' : 'ok';

  return (
    <>
      <PageTitle>Why did this call fail?</PageTitle>
      <p className="muted">
        Walks what a call meets — the number dialled, the registration of the called phones, their call limit,
        the codecs each side offered, the media addresses — and names what broke it with the remedy. Start
        from a record&apos;s <strong>Why?</strong> in{' '}
        <Link href="/call-detail-records">Call Detail Records</Link>, or give the two numbers: the newest call
        between them is examined.
      </p>
      <form className="form" onSubmit={submit} role="search" aria-label="Diagnose a call">
        <fieldset>
          <legend>Call</legend>
          <Field
            label="Calling number"
            value={draft.calling}
            onChange={(e) => setDraft((x) => ({ ...x, calling: e.target.value }))}
            placeholder="1001"
            autoComplete="off"
            hint="Empty: the newest call from any number."
          />
          <Field
            label="Called number"
            value={draft.called}
            onChange={(e) => setDraft((x) => ({ ...x, called: e.target.value }))}
            placeholder="1002"
            autoComplete="off"
          />
          <div className="toolbar">
            <button type="submit" className="primary" disabled={draft.called.trim() === ''}>
              Diagnose
            </button>
            {d && (
              <button type="button" onClick={result.reload}>
                Run again
              </button>
            )}
          </div>
        </fieldset>
      </form>
      {(cdr || called) && <Loading error={result.error} loading={result.loading && !d} />}
      {d && (
        <>
          <Verdict
            kind={kind}
            heading={
              d.firstProblem ? `What broke the call: ${d.firstProblem.title}` : 'Nothing broke the call'
            }
            text={d.verdict}
            busy={result.loading}
          />
          <section className="panel" aria-labelledby="checks-title">
            <h2 id="checks-title">What the call met, step by step</h2>
            <ol className="checks">
              {d.checks.map((c, i) => (
                <CheckItem
                  key={`${c.id}-${i}`}
                  check={c}
                  links={c.status === 'ok' || c.status === 'info' ? [] : fixLinks(c, d)}
                  linksLabel="See:"
                />
              ))}
            </ol>
            <p>
              <Link href={`/call-detail-records${query({ calling: d.calling, called: d.called })}`}>
                Call detail records from {d.calling || 'any number'} to {d.called}
              </Link>
            </p>
          </section>
        </>
      )}
    </>
  );
}
