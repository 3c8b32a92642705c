import type { KeyboardEvent } from 'react';
import { useEffect, useRef, useState } from 'react';
import { ApiError, get, patch } from '../api/client';
import type { DeviceDefault, DeviceDefaultSaved, PhoneModel } from '../api/types';
import { Loading, Notice, PageTitle } from '../components/ui';
import { useLoad } from '../hooks';
import { Link } from '../router';
import { useSession } from '../session';

const keyOf = (d: { model: string; protocol: string }) => `${d.model}/${d.protocol}`;

interface RowMessages {
  warnings: string[];
  /** A refusal that names no field of the row (404, network). */
  error: string | null;
  saved: boolean;
}

type FieldErrors = Partial<Record<'loadId' | 'devicePool', string>>;

/** One editable cell input, labelled by its row and column, with its refusal beside it. */
function CellInput({
  id,
  label,
  value,
  error,
  onChange,
  onKeyDown,
  autoFocus,
}: {
  id: string;
  label: string;
  value: string;
  error?: string;
  onChange: (v: string) => void;
  onKeyDown: (e: KeyboardEvent<HTMLInputElement>) => void;
  autoFocus?: boolean;
}) {
  return (
    <>
      <input
        id={id}
        aria-label={label}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={onKeyDown}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        autoFocus={autoFocus}
        spellCheck={false}
      />
      {error && (
        <span id={`${id}-error`} className="field-error" role="alert">
          {error}
        </span>
      )}
    </>
  );
}

function DefaultRow({
  row,
  displayName,
  messages,
  onSaved,
}: {
  row: DeviceDefault;
  displayName: string;
  messages: RowMessages | undefined;
  onSaved: (saved: DeviceDefaultSaved | null, error: string | null) => void;
}) {
  const { canChange } = useSession();
  const [editing, setEditing] = useState(false);
  const [loadId, setLoadId] = useState(row.loadId ?? '');
  const [devicePool, setDevicePool] = useState(row.devicePool);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const editButton = useRef<HTMLButtonElement>(null);
  const wasEditing = useRef(false);
  // Keyboard users land back on the row's Edit button after Save or Cancel.
  useEffect(() => {
    if (wasEditing.current && !editing) editButton.current?.focus();
    wasEditing.current = editing;
  }, [editing]);
  const key = keyOf(row);
  const idBase = `dd-${row.model}-${row.protocol}`.replace(/[^A-Za-z0-9-]/g, '_');
  const what = `${displayName} ${row.protocol}`;

  const start = () => {
    setLoadId(row.loadId ?? '');
    setDevicePool(row.devicePool);
    setErrors({});
    setEditing(true);
  };
  const cancel = () => {
    setErrors({});
    setEditing(false);
  };
  const save = async () => {
    setBusy(true);
    try {
      const saved = await patch<DeviceDefaultSaved>(
        `/device-defaults/${encodeURIComponent(row.model)}/${row.protocol}`,
        { loadId: loadId.trim() === '' ? null : loadId.trim(), devicePool: devicePool.trim() },
      );
      setErrors({});
      setEditing(false);
      onSaved(saved, null);
    } catch (err) {
      const e = err instanceof ApiError ? err : null;
      if (e?.field === 'loadId' || e?.field === 'devicePool') setErrors({ [e.field]: e.message });
      else onSaved(null, e?.message ?? String(err));
    } finally {
      setBusy(false);
    }
  };
  const keys = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      void save();
    } else if (e.key === 'Escape') {
      e.preventDefault();
      cancel();
    }
  };

  return (
    <tr data-default={key} className={messages?.warnings.length ? 'row-warning' : undefined}>
      <th scope="row">{displayName}</th>
      <td>{row.protocol}</td>
      <td>
        {editing ? (
          <CellInput
            id={`${idBase}-load`}
            label={`Load ID for ${what}`}
            value={loadId}
            error={errors.loadId}
            onChange={setLoadId}
            onKeyDown={keys}
            autoFocus
          />
        ) : (
          (row.loadId ?? <span className="muted">(none: phones keep their load)</span>)
        )}
      </td>
      <td>
        {editing ? (
          <CellInput
            id={`${idBase}-pool`}
            label={`Device Pool for ${what}`}
            value={devicePool}
            error={errors.devicePool}
            onChange={setDevicePool}
            onKeyDown={keys}
          />
        ) : (
          row.devicePool
        )}
      </td>
      <td>
        {row.loadId === null ? (
          <span className="muted">—</span>
        ) : row.loadAvailable ? (
          <span className="state state-ok">
            <span aria-hidden="true">✔ </span>Yes
          </span>
        ) : (
          <span className="state state-warning">
            <span aria-hidden="true">⚠ </span>No — <Link href="/firmware-loads">upload it</Link>
          </span>
        )}
      </td>
      <td className="actions">
        {editing ? (
          <>
            <button type="button" className="primary" onClick={save} disabled={busy}>
              Save
            </button>
            <button type="button" onClick={cancel} disabled={busy}>
              Cancel
            </button>
          </>
        ) : (
          <button
            type="button"
            ref={editButton}
            onClick={start}
            disabled={!canChange}
            aria-label={`Edit ${what}`}
          >
            Edit
          </button>
        )}
      </td>
      <td className="row-messages" aria-live="polite">
        {messages?.saved && messages.warnings.length === 0 && <span className="state state-ok">Saved.</span>}
        {messages?.warnings.map((w) => (
          <span key={w} className="state state-warning row-message" role="status">
            <span aria-hidden="true">⚠ </span>
            <strong>Warning:</strong> {w}
          </span>
        ))}
        {messages?.error && (
          <span className="field-error row-message" role="alert">
            {messages.error}
          </span>
        )}
      </td>
    </tr>
  );
}

/**
 * Device > Device Settings > Device Defaults: the load and device pool of every model and
 * protocol, edited in place. A load that is not uploaded is saved with a warning beside the row.
 */
export function DeviceDefaultsPage() {
  const list = useLoad(() => get<DeviceDefault[]>('/device-defaults'), 'device-defaults');
  const models = useLoad(() => get<PhoneModel[]>('/phone-models'), 'models');
  const [rows, setRows] = useState<DeviceDefault[]>([]);
  const [messages, setMessages] = useState<Record<string, RowMessages>>({});
  const [filter, setFilter] = useState<'all' | 'missing'>('all');
  useEffect(() => setRows(list.data ?? []), [list.data]);
  useEffect(() => {
    document.title = 'Device Defaults — openucm';
  }, []);

  const displayName = (model: string) => models.data?.find((m) => m.model === model)?.displayName ?? model;
  const shown = filter === 'missing' ? rows.filter((r) => r.loadId !== null && !r.loadAvailable) : rows;
  const missing = rows.filter((r) => r.loadId !== null && !r.loadAvailable).length;

  return (
    <>
      <PageTitle>Device Defaults Configuration</PageTitle>
      <p className="muted">
        The firmware load and device pool of phones of each model and protocol that have no Phone Load Name of
        their own. A new load applies to a phone when it next fetches its configuration (Reset it to apply
        now). Loads are uploaded under <Link href="/firmware-loads">Device &gt; Firmware Loads</Link>.
      </p>
      <Loading error={list.error} loading={list.loading && !list.data} />
      {list.data && (
        <>
          {missing > 0 && (
            <Notice kind="warn">
              {missing} default load(s) are not uploaded: phones of those models keep the load they run.
            </Notice>
          )}
          <div className="toolbar">
            <label htmlFor="dd-filter">Show</label>
            <select
              id="dd-filter"
              value={filter}
              onChange={(e) => setFilter(e.target.value as 'all' | 'missing')}
            >
              <option value="all">All models and protocols ({rows.length})</option>
              <option value="missing">Only loads not uploaded ({missing})</option>
            </select>
          </div>
          <table className="grid-table device-defaults">
            <thead>
              <tr>
                <th scope="col">Device Type</th>
                <th scope="col">Protocol</th>
                <th scope="col">Load Information</th>
                <th scope="col">Device Pool</th>
                <th scope="col">Load uploaded?</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
                <th scope="col">Messages</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((r) => (
                <DefaultRow
                  key={keyOf(r)}
                  row={r}
                  displayName={displayName(r.model)}
                  messages={messages[keyOf(r)]}
                  onSaved={(saved, error) => {
                    if (saved) {
                      const k = keyOf(saved.deviceDefault);
                      setRows((current) => current.map((x) => (keyOf(x) === k ? saved.deviceDefault : x)));
                      setMessages((m) => ({
                        ...m,
                        [k]: { warnings: saved.warnings, error: null, saved: true },
                      }));
                    } else {
                      setMessages((m) => ({ ...m, [keyOf(r)]: { warnings: [], error, saved: false } }));
                    }
                  }}
                />
              ))}
            </tbody>
          </table>
        </>
      )}
    </>
  );
}
