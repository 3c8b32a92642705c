import type { FormEvent } from 'react';
import { useEffect, useRef, useState } from 'react';
import { ApiError, del, get, uploadFiles } from '../api/client';
import type { DeviceDefault, FirmwareFile, FirmwareLoad } from '../api/types';
import { Loading, Notice, PageTitle } from '../components/ui';
import { byteSize, dateTime, number } from '../format';
import { useLoad } from '../hooks';
import { Link } from '../router';
import { useSession } from '../session';

type Result = { kind: 'ok' | 'error'; text: string; field?: string } | null;

function UploadForm({ onUploaded }: { onUploaded: (files: FirmwareFile[]) => void }) {
  const { canChange } = useSession();
  const [files, setFiles] = useState<File[]>([]);
  const [progress, setProgress] = useState<{ sent: number; total: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const busy = progress !== null;

  const upload = async (e: FormEvent) => {
    e.preventDefault();
    if (files.length === 0) return;
    setError(null);
    setProgress({ sent: 0, total: files.reduce((n, f) => n + f.size, 0) });
    try {
      const r = await uploadFiles<{ files: FirmwareFile[] }>('/firmware-loads', files, (sent, total) =>
        setProgress({ sent, total }),
      );
      setFiles([]);
      if (input.current) input.current.value = '';
      onUploaded(r.files);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setProgress(null);
    }
  };

  const percent = progress && progress.total > 0 ? Math.floor((progress.sent * 100) / progress.total) : 0;
  return (
    <form className="form" onSubmit={upload}>
      <fieldset disabled={!canChange || busy}>
        <legend>Upload firmware</legend>
        <div className={`field${error ? ' field-invalid' : ''}`}>
          <label htmlFor="fw-files">Firmware files</label>
          <div className="field-control">
            <input
              id="fw-files"
              ref={input}
              type="file"
              multiple
              aria-invalid={error ? true : undefined}
              aria-describedby={`fw-files-hint${error ? ' fw-files-error' : ''}`}
              onChange={(e) => setFiles([...(e.target.files ?? [])])}
            />
            <span id="fw-files-hint" className="hint">
              Every file of a load, as Cisco ships it (e.g. P0S3-8-12-00.loads, .sb2, .bin, .sbn for a 7940
              SIP load). Phones fetch them over TFTP or HTTP by name; the load id is the file name without its
              extension.
            </span>
            {error && (
              <span id="fw-files-error" className="field-error" role="alert">
                {error}
              </span>
            )}
          </div>
        </div>
        {files.length > 0 && !busy && (
          <p className="hint">
            {files.length} file(s), {byteSize(files.reduce((n, f) => n + f.size, 0))}:{' '}
            {files.map((f) => f.name).join(', ')}
          </p>
        )}
        {progress && (
          <div className="field">
            <label htmlFor="fw-progress">Upload progress</label>
            <div className="field-control">
              <progress id="fw-progress" max={100} value={percent}>
                {percent}%
              </progress>{' '}
              <span aria-live="polite">
                {percent}% — {byteSize(progress.sent)} of {byteSize(progress.total)}
              </span>
            </div>
          </div>
        )}
        <div className="toolbar">
          <button type="submit" className="primary" disabled={files.length === 0}>
            {busy ? 'Uploading…' : 'Upload'}
          </button>
        </div>
      </fieldset>
    </form>
  );
}

/** Device > Firmware Loads: the files phones fetch over TFTP/HTTP, grouped by load id. */
export function FirmwareLoadsPage() {
  const { canChange } = useSession();
  const list = useLoad(() => get<FirmwareLoad[]>('/firmware-loads'), 'firmware-loads');
  const defaults = useLoad(() => get<DeviceDefault[]>('/device-defaults'), 'device-defaults');
  const [result, setResult] = useState<Result>(null);
  useEffect(() => {
    document.title = 'Firmware Loads — openucm';
  }, []);

  const usedBy = (loadId: string) =>
    (defaults.data ?? [])
      .filter((d) => d.loadId !== null && d.loadId.toLowerCase() === loadId.toLowerCase())
      .map((d) => `${d.model} ${d.protocol}`);

  const remove = async (file: string, loadId: string) => {
    const users = usedBy(loadId);
    const consequence =
      users.length > 0
        ? ` Device Defaults name load ${loadId} for ${users.join(', ')}: those phones could no longer fetch it.`
        : '';
    if (!window.confirm(`Delete firmware file ${file}?${consequence}`)) return;
    try {
      await del(`/firmware-loads/${encodeURIComponent(file)}`);
      setResult({ kind: 'ok', text: `Deleted ${file}.` });
    } catch (err) {
      setResult({ kind: 'error', text: err instanceof ApiError ? err.message : String(err) });
    }
    list.reload();
  };

  const files = list.data?.reduce((n, l) => n + l.files.length, 0) ?? 0;
  const bytes = list.data?.reduce((n, l) => n + l.files.reduce((m, f) => m + f.size, 0), 0) ?? 0;

  return (
    <>
      <PageTitle>Firmware Loads</PageTitle>
      <p className="muted">
        Loads named by <Link href="/device-defaults">Device Defaults</Link> or a phone&apos;s Phone Load Name
        must be uploaded here, or phones keep the load they run.
      </p>
      <UploadForm
        onUploaded={(uploaded) => {
          setResult({
            kind: 'ok',
            text: `Uploaded ${uploaded.map((f) => `${f.file} (${byteSize(f.size)})`).join(', ')}.`,
          });
          list.reload();
          defaults.reload();
        }}
      />
      {result && <Notice kind={result.kind}>{result.text}</Notice>}
      <Loading error={list.error} loading={list.loading && !list.data} />
      {list.data && (
        <table className="grid-table firmware-loads" aria-busy={list.loading}>
          <caption>
            {list.data.length} load(s), {files} file(s), {byteSize(bytes)}
          </caption>
          <thead>
            <tr>
              <th scope="col">Load ID</th>
              <th scope="col">File</th>
              <th scope="col" className="num">
                Size
              </th>
              <th scope="col">Uploaded</th>
              <th scope="col">Device Defaults using it</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.data.length === 0 && (
              <tr>
                <td colSpan={6} className="muted">
                  No firmware uploaded yet.
                </td>
              </tr>
            )}
            {list.data.map((load) =>
              load.files.map((f, i) => (
                <tr key={f.file} data-file={f.file}>
                  {i === 0 && (
                    <th scope="rowgroup" rowSpan={load.files.length}>
                      {load.loadId}
                    </th>
                  )}
                  <td>{f.file}</td>
                  <td className="num" title={`${number(f.size)} bytes`}>
                    {byteSize(f.size)}
                  </td>
                  <td className="nowrap">{dateTime(f.modifiedAt)}</td>
                  {i === 0 && <td rowSpan={load.files.length}>{usedBy(load.loadId).join(', ') || '—'}</td>}
                  <td className="actions">
                    <button
                      type="button"
                      className="danger"
                      onClick={() => remove(f.file, load.loadId)}
                      disabled={!canChange}
                      aria-label={`Delete ${f.file}`}
                    >
                      Delete
                    </button>
                  </td>
                </tr>
              )),
            )}
          </tbody>
        </table>
      )}
    </>
  );
}
