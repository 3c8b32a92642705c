import type { FormEvent } from 'react';
import { useEffect, useRef, useState } from 'react';
import { ApiError, del, get, uploadFiles } from '../api/client';
import { Loading, Notice, PageTitle } from '../components/ui';
import { dateTime, number } from '../format';
import { useLoad } from '../hooks';
import { useSession } from '../session';

interface MusicOnHold {
  audioSource: { kind: 'default-tone' | 'uploaded'; seconds: number; uploadedAt: string | null };
  streams: number;
  maxStreams: number;
  source: { address: string; port: number } | null;
}

/** Media Resources > Music On Hold Audio Source: what held phones hear (GET/POST/DELETE /moh…). */
export function MusicOnHoldPage() {
  const { canChange } = useSession();
  const status = useLoad(() => get<MusicOnHold>('/moh'), 'moh');
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    document.title = 'Music On Hold Audio Source — openucm';
  }, []);

  const run = async (work: () => Promise<MusicOnHold>, done: string) => {
    setBusy(true);
    setResult(null);
    try {
      await work();
      setResult({ kind: 'ok', text: done });
      setFile(null);
      if (input.current) input.current.value = '';
    } catch (err) {
      setResult({ kind: 'error', text: err instanceof ApiError ? err.message : String(err) });
    } finally {
      setBusy(false);
      status.reload();
    }
  };
  const upload = (e: FormEvent) => {
    e.preventDefault();
    if (file)
      void run(
        () => uploadFiles<MusicOnHold>('/moh/audio-source', [file], () => undefined),
        `Uploaded ${file.name}: held phones hear it from the next hold on.`,
      );
  };
  const reset = () => {
    if (window.confirm('Remove the uploaded audio source? Held phones then hear the default tone.'))
      void run(
        () => del<MusicOnHold>('/moh/audio-source'),
        'Held phones hear the default tone from the next hold on.',
      );
  };

  const data = status.data;
  return (
    <>
      <PageTitle>Music On Hold Audio Source</PageTitle>
      <Loading error={status.error} loading={status.loading && !data} />
      {data && (
        <dl className="facts">
          <dt>Audio source</dt>
          <dd>
            {data.audioSource.kind === 'uploaded'
              ? `Uploaded file, ${number(Math.round(data.audioSource.seconds))} s, ${data.audioSource.uploadedAt ? dateTime(data.audioSource.uploadedAt) : ''}`
              : `Default tone (${number(Math.round(data.audioSource.seconds))} s, looped)`}
          </dd>
          <dt>Held phones hearing it now</dt>
          <dd>
            {data.source
              ? `${number(data.streams)} of at most ${number(data.maxStreams)} (--moh-max-streams)`
              : 'None: music on hold is off (--moh-max-streams 0)'}
          </dd>
          <dt>Streamed from</dt>
          <dd>{data.source ? `${data.source.address}:${data.source.port} (UDP, --moh-rtp-port)` : '—'}</dd>
        </dl>
      )}
      <form className="form" onSubmit={upload}>
        <fieldset disabled={!canChange || busy}>
          <legend>Upload an audio source</legend>
          <div className="field">
            <label htmlFor="moh-file">WAV file</label>
            <div className="field-control">
              <input
                id="moh-file"
                ref={input}
                type="file"
                accept=".wav,audio/wav"
                aria-describedby="moh-file-hint"
                onChange={(e) => setFile(e.target.files?.[0] ?? null)}
              />
              <span id="moh-file-hint" className="hint">
                8000 Hz mono, 16-bit PCM or G.711 µ-law/A-law (e.g. sox in.wav -r 8000 -c 1 -b 16 out.wav).
              </span>
            </div>
          </div>
          <div className="toolbar">
            <button type="submit" className="primary" disabled={!file}>
              {busy ? 'Uploading…' : 'Upload'}
            </button>
            {data?.audioSource.kind === 'uploaded' && (
              <button type="button" className="danger" onClick={reset}>
                Use the default tone
              </button>
            )}
          </div>
        </fieldset>
      </form>
      {result && <Notice kind={result.kind}>{result.text}</Notice>}
    </>
  );
}
