import type { FormEvent } from 'react';
import { useEffect, useState } from 'react';
import { ApiError, get, post, put } from '../api/client';
import type { CertificateStatus } from '../api/types';
import { Loading, Notice, PageTitle, TextAreaField } from '../components/ui';
import { dateTime } from '../format';
import { useLoad } from '../hooks';
import { Link } from '../router';
import { useSession } from '../session';

type Result = { kind: 'ok' | 'error'; text: string; field?: string } | null;

const MODES: Record<CertificateStatus['httpMode'], string> = {
  redirect: 'HTTPS; plain HTTP redirects to it (/healthz and /readyz answered on both)',
  off: 'HTTPS only; no plain HTTP port',
  serve: 'plain HTTP only (a TLS proxy in front of the node must provide HTTPS)',
};

/** What the certificate is: shared by this page and the dashboard. */
export function CertificateFacts({ c }: { c: CertificateStatus }) {
  return (
    <dl className="facts">
      <dt>Subject</dt>
      <dd>{c.subject}</dd>
      <dt>Names</dt>
      <dd>{c.subjectAltNames.join(', ') || '—'}</dd>
      <dt>Issuer</dt>
      <dd>
        {c.selfSigned ? 'self-signed' : c.issuer}
        {c.chainLength > 1 ? ` (chain of ${c.chainLength})` : ''}
      </dd>
      <dt>Valid</dt>
      <dd>
        {dateTime(c.validFrom)} to {dateTime(c.validTo)}
      </dd>
      <dt>SHA-256 fingerprint</dt>
      <dd>
        <code className="fingerprint">{c.fingerprintSha256}</code>
      </dd>
    </dl>
  );
}

/** The dashboard's view: the fingerprint to check a browser against, and any warning. */
export function CertificatePanel({ c }: { c: CertificateStatus }) {
  return (
    <section className="panel wide" aria-labelledby="cert-title">
      <h2 id="cert-title">HTTPS certificate</h2>
      {c.warning && <Notice kind="warn">{c.warning}</Notice>}
      {c.httpWarning && <Notice kind="warn">{c.httpWarning}</Notice>}
      <p>
        {c.node} presents {c.subject} ({c.selfSigned ? 'self-signed' : `issued by ${c.issuer}`}), valid to{' '}
        {dateTime(c.validTo)}. SHA-256 fingerprint: <code className="fingerprint">{c.fingerprintSha256}</code>{' '}
        <Link href="/certificates">Certificate Management</Link>
      </p>
    </section>
  );
}

/** A PEM text, kept as pasted (no spelling marks on base64). */
function PemField({
  label,
  value,
  onChange,
  hint,
  error,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  hint: string;
  error: string | null;
}) {
  return (
    <TextAreaField
      label={label}
      rows={8}
      cols={64}
      value={value}
      spellCheck={false}
      onChange={(e) => onChange(e.target.value)}
      hint={hint}
      error={error}
    />
  );
}

/** System > Certificate Management: the node's certificate, replaced by upload or regenerated. */
export function CertificatesPage() {
  const { canChange } = useSession();
  const status = useLoad(() => get<CertificateStatus>('/certificate'), 'certificate');
  const [certificate, setCertificate] = useState('');
  const [privateKey, setPrivateKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<Result>(null);
  useEffect(() => {
    document.title = 'Certificate Management — openucm';
  }, []);

  const done = (c: CertificateStatus, what: string) => {
    setResult({
      kind: 'ok',
      text: `${what} New connections get ${c.subject}, SHA-256 fingerprint ${c.fingerprintSha256}.`,
    });
    status.reload();
  };
  const failed = (err: unknown) =>
    setResult({
      kind: 'error',
      text: err instanceof ApiError ? err.message : String(err),
      field: err instanceof ApiError ? err.field : undefined,
    });

  const upload = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setResult(null);
    try {
      done(
        await put<CertificateStatus>('/certificate', { certificate, privateKey }),
        'Certificate replaced.',
      );
      setCertificate('');
      setPrivateKey('');
    } catch (err) {
      failed(err);
    } finally {
      setBusy(false);
    }
  };
  const regenerate = async () => {
    if (
      !window.confirm(
        'Make a new self-signed certificate? Browsers and scripts that trust the current one by its fingerprint will refuse the new one until you trust it.',
      )
    )
      return;
    setBusy(true);
    setResult(null);
    try {
      done(
        await post<CertificateStatus>('/certificate/regenerate', {}),
        'Self-signed certificate regenerated.',
      );
    } catch (err) {
      failed(err);
    } finally {
      setBusy(false);
    }
  };
  const fieldError = (f: string) => (result?.kind === 'error' && result.field === f ? result.text : null);
  const c = status.data;

  return (
    <>
      <PageTitle
        actions={
          canChange && (
            <button type="button" onClick={regenerate} disabled={busy}>
              Regenerate self-signed
            </button>
          )
        }
      >
        Certificate Management
      </PageTitle>
      <p className="muted">
        The certificate this node presents to browsers, scripts and the API (HTTPS), and to phones over SIP
        over TLS. See docs/https.md for trusting it by its fingerprint.
      </p>
      {result && !result.field && <Notice kind={result.kind}>{result.text}</Notice>}
      <Loading error={status.error} loading={!c} />
      {c && (
        <section className="panel" aria-labelledby="cert-current">
          <h2 id="cert-current">Certificate of {c.node}</h2>
          {c.warning && <Notice kind="warn">{c.warning}</Notice>}
          {c.httpWarning && <Notice kind="warn">{c.httpWarning}</Notice>}
          <CertificateFacts c={c} />
          <p className="muted">Administration: {MODES[c.httpMode]}.</p>
        </section>
      )}
      <form onSubmit={upload} className="form" aria-labelledby="cert-upload">
        <fieldset disabled={!canChange || busy}>
          <legend id="cert-upload">Upload a certificate</legend>
          <PemField
            label="Certificate (PEM)"
            value={certificate}
            onChange={setCertificate}
            error={fieldError('certificate')}
            hint="The node's certificate first, then each intermediate certificate, each issued by the next."
          />
          <PemField
            label="Private key (PEM)"
            value={privateKey}
            onChange={setPrivateKey}
            error={fieldError('privateKey')}
            hint="Unencrypted (-----BEGIN PRIVATE KEY-----); the key of the first certificate. It is stored in the node's data directory only."
          />
          <div className="toolbar">
            <button type="submit" className="primary" disabled={!certificate || !privateKey}>
              Upload
            </button>
          </div>
        </fieldset>
      </form>
    </>
  );
}
