import type { Line } from '../api/types';
import { Field } from './ui';

/** The settings of one line as the form edits them: text inputs, converted when sent. */
export interface LineSettingsInput {
  displayName: string;
  label: string;
  maxCalls: string;
  busyTrigger: string;
  forwardAll: string;
  forwardBusy: string;
  forwardNoAnswer: string;
  pickupGroup: string;
}

type Key = keyof LineSettingsInput;

const FIELDS: { key: Key; label: string; hint?: string; numeric?: boolean }[] = [
  {
    key: 'displayName',
    label: 'Display (Caller ID)',
    hint: 'The name the called party sees; up to 30 characters.',
  },
  { key: 'label', label: 'Line Text Label', hint: 'Shown beside the line button; empty shows the DN.' },
  {
    key: 'maxCalls',
    label: 'Maximum Number of Calls',
    hint: '1–6 calls on this line of this phone.',
    numeric: true,
  },
  {
    key: 'busyTrigger',
    label: 'Busy Trigger',
    hint: 'Calls at which a new caller gets busy (1 to the maximum).',
    numeric: true,
  },
  { key: 'forwardAll', label: 'Forward All', hint: 'The DN’s: every call goes here. Empty: off.' },
  { key: 'forwardBusy', label: 'Forward Busy', hint: 'Where a call goes when the line is busy. Empty: off.' },
  {
    key: 'forwardNoAnswer',
    label: 'Forward No Answer',
    hint: 'Where a call goes when nobody answers. Empty: off.',
  },
  {
    key: 'pickupGroup',
    label: 'Call Pickup Group',
    hint: 'The group’s number (digits). Empty: none.',
    numeric: true,
  },
];

/** The form's inputs for a line read from the API (defaults for a line not stored yet). */
export function settingsInputOf(line: Line | undefined): LineSettingsInput {
  return {
    displayName: line?.displayName ?? '',
    label: line?.label ?? '',
    maxCalls: String(line?.maxCalls ?? 2),
    busyTrigger: String(line?.busyTrigger ?? 2),
    forwardAll: line?.forwardAll ?? '',
    forwardBusy: line?.forwardBusy ?? '',
    forwardNoAnswer: line?.forwardNoAnswer ?? '',
    pickupGroup: line?.pickupGroup ?? '',
  };
}

/** The settings to send for a line: numbers as numbers (the API names a bad one), empty forwards as null. */
export function settingsOf(input: LineSettingsInput): Omit<Line, 'index' | 'dn'> {
  const orNull = (text: string) => (text.trim() === '' ? null : text.trim());
  return {
    displayName: input.displayName,
    label: input.label,
    maxCalls: Number(input.maxCalls),
    busyTrigger: Number(input.busyTrigger),
    forwardAll: orNull(input.forwardAll),
    forwardBusy: orNull(input.forwardBusy),
    forwardNoAnswer: orNull(input.forwardNoAnswer),
    pickupGroup: orNull(input.pickupGroup),
  };
}

/**
 * Directory Number Configuration of each line with a DN, as CUCM's line page: the appearance's
 * display, label, max calls and busy trigger, then the DN's forwards and pickup group (shared by
 * every phone the DN is on).
 */
export function LineSettingsEditor({
  lines,
  settings,
  onChange,
  error,
}: {
  /** Line buttons (1-based) with a DN, and the DN. */
  lines: { index: number; dn: string }[];
  settings: Record<number, LineSettingsInput>;
  onChange: (index: number, next: LineSettingsInput) => void;
  /** The API's refusal, when it names a line setting: its field (`lines.N.key`, N the position sent) and text. */
  error: { index: number; key: string; message: string } | null;
}) {
  return (
    <>
      {lines.map(({ index, dn }) => {
        const input = settings[index] ?? settingsInputOf(undefined);
        const failed = error?.index === index ? error : null;
        return (
          <details key={index} className="line-settings" open={failed !== null}>
            <summary>
              Line {index} settings ({dn})
            </summary>
            {FIELDS.map((f) => (
              <Field
                key={f.key}
                label={f.label}
                value={input[f.key]}
                inputMode={f.numeric ? 'numeric' : undefined}
                hint={f.hint}
                error={failed?.key === f.key ? failed.message : null}
                onChange={(e) => onChange(index, { ...input, [f.key]: e.target.value })}
              />
            ))}
          </details>
        );
      })}
    </>
  );
}
