import type { FormEvent } from 'react';
import { useEffect, useState } from 'react';
import { getCsrfToken } from '../api/client';
import { Notice, PageTitle } from '../components/ui';
import { useSession } from '../session';

interface ImportReport {
  imported: boolean;
  rows: number;
  inserted: number;
  updated: number;
  credentialsSet: number;
  errors: { line: number; column: string; message: string }[];
  errorCount: number;
}

/** Bulk Administration: phones to and from CSV files (the API's /phones/export.csv and /phones/import). */
export function BulkPage() {
  const { canChange } = useSession();
  const [file, setFile] = useState<File | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    document.title = 'Bulk Administration — openucm';
  }, []);

  const upload = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(null);
    setReport(null);
    try {
      const r = await fetch('/api/v1/phones/import', {
        method: 'POST',
        credentials: 'same-origin',
        headers: {
          'content-type': 'text/csv',
          'x-requested-with': 'openucm-ui',
          'x-csrf-token': getCsrfToken() ?? '',
        },
        body: file,
      });
      const body = (await r.json()) as ImportReport & { message?: string };
      if (body.message && body.rows === undefined) setError(body.message);
      else setReport(body);
    } catch (err) {
      setError(String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <PageTitle>Bulk Administration: Import/Export Phones</PageTitle>
      <section className="panel" aria-labelledby="export-title">
        <h2 id="export-title">Export</h2>
        <ul className="plain">
          <li>
            <a href="/api/v1/phones/export.csv" download>
              Phones (CSV)
            </a>{' '}
            — Device Name, Description, Model, Protocol, Phone Load Name, SIP Digest User, SIP Password
            (write-only: always empty in an export), Lines
          </li>
          <li>
            <a href="/api/v1/directory-numbers/export.csv" download>
              Directory numbers (CSV)
            </a>
          </li>
        </ul>
      </section>
      <form className="form" onSubmit={upload}>
        <fieldset disabled={!canChange || busy}>
          <legend>Import phones from CSV</legend>
          <p className="hint">
            The whole file is checked first and written only if every row is valid, in one transaction. A{' '}
            <em>SIP Password (write-only)</em> cell sets the phone&apos;s SIP credentials (digest user: the{' '}
            <em>SIP Digest User</em> cell, else the current one, else the device name); an empty cell changes
            nothing.
          </p>
          <div className="field">
            <label htmlFor="csv-file">CSV file</label>
            <div className="field-control">
              <input
                id="csv-file"
                type="file"
                accept=".csv,text/csv"
                onChange={(e) => setFile(e.target.files?.[0] ?? null)}
              />
            </div>
          </div>
          <div className="toolbar">
            <button type="submit" className="primary" disabled={!file}>
              {busy ? 'Importing…' : 'Import'}
            </button>
          </div>
        </fieldset>
      </form>
      {error && <Notice kind="error">{error}</Notice>}
      {report && (
        <Notice kind={report.imported ? 'ok' : 'error'}>
          {report.imported
            ? `Imported ${report.rows} rows: ${report.inserted} added, ${report.updated} updated, SIP credentials set for ${report.credentialsSet}.`
            : `Nothing written: ${report.errorCount} error(s) in ${report.rows} rows.`}
          {report.errors.length > 0 && (
            <ul>
              {report.errors.slice(0, 50).map((e) => (
                <li key={`${e.line}-${e.column}`}>
                  line {e.line}, {e.column}: {e.message}
                </li>
              ))}
            </ul>
          )}
        </Notice>
      )}
    </>
  );
}
