import type { FormEvent } from 'react';
import { useEffect, useRef, useState } from 'react';
import { get, query } from '../api/client';
import type { Diagnosis, DiagnosisCheck } from '../api/types';
import type { FixLink } from '../components/check-item';
import { CheckItem, Verdict } from '../components/check-item';
import { Field, Loading, PageTitle } from '../components/ui';
import { useLoad, useThrottle } from '../hooks';
import { useLiveEvent } from '../live';
import { Link, navigate, useLocation } from '../router';

const SEPARATORS = /[\s:.-]/g;

/**
 * What the operator typed, as the API call that diagnoses it: a device name (SEP + 12 hex
 * digits, any case) or a MAC address with any separators (00:1b:d4…, 001b.d4…, 00-1B-D4…).
 */
export function diagnosisPath(input: string): string | null {
  const raw = input.trim();
  if (!raw) return null;
  if (/^SEP/i.test(raw)) {
    const hex = raw.slice(3).replace(SEPARATORS, '');
    const name = /^[0-9a-f]{12}$/i.test(hex) ? `SEP${hex.toUpperCase()}` : raw;
    return `/phones/${encodeURIComponent(name)}/diagnosis`;
  }
  if (/^[0-9a-f]{12}$/i.test(raw.replace(SEPARATORS, ''))) return `/diagnosis${query({ mac: raw })}`;
  // Not a MAC: the API diagnoses it as a name and says what is wrong with it.
  return `/phones/${encodeURIComponent(raw)}/diagnosis`;
}

// Pages a fix names in its text (the rejection remedies name CUCM menu paths).
const NAMED_PAGES: [RegExp, FixLink][] = [
  [/Enterprise Parameter/i, { href: '/enterprise-parameters', label: 'Enterprise Parameters' }],
  [/Device Defaults/i, { href: '/device-defaults', label: 'Device Defaults' }],
  [/Firmware Loads/i, { href: '/firmware-loads', label: 'Firmware Loads' }],
  [/Cisco Unified CM|auto-registration (range|is disabled)/i, { href: '/nodes', label: 'Cisco Unified CM' }],
  [/Migrate Phones/i, { href: '/migrate-phones', label: 'Migrate Phones' }],
];

/** The pages where the fix of a check is made: by the link it checks, then those its fix names. */
function fixLinks(check: DiagnosisCheck, deviceName: string, configured: boolean): FixLink[] {
  const links = linksOf(check, deviceName, configured);
  for (const [pattern, link] of NAMED_PAGES) {
    const known = links.some((l) => l.href.split('?')[0] === link.href || l.href.startsWith(`${link.href}/`));
    if (check.fix && pattern.test(check.fix) && !known) links.push(link);
  }
  return links;
}

function linksOf(check: DiagnosisCheck, deviceName: string, configured: boolean): FixLink[] {
  const name = encodeURIComponent(deviceName);
  const phone: FixLink = { href: `/phones/${name}`, label: `Phone ${deviceName}` };
  const addPhone: FixLink = { href: '/phones/new', label: 'Add a New Phone' };
  switch (check.id) {
    case 'protocol':
      return configured
        ? [phone, { href: `/migrate-phones${query({ devices: deviceName })}`, label: 'Migrate Phones' }]
        : [{ href: '/enterprise-parameters', label: 'Enterprise Parameters' }];
    case 'auto-registration':
      return [{ href: '/nodes', label: 'Cisco Unified CM' }, addPhone];
    case 'auto-registration-guard':
      return [
        { href: '/pending-phones', label: 'Pending Phones' },
        { href: '/nodes', label: 'Cisco Unified CM' },
        addPhone,
      ];
    case 'dn-range': {
      const node = /^DN range of (.+)$/.exec(check.title)?.[1];
      return [
        node
          ? { href: `/nodes/${encodeURIComponent(node)}`, label: `Cisco Unified CM ${node}` }
          : { href: '/nodes', label: 'Cisco Unified CM' },
        addPhone,
      ];
    }
    case 'load':
      return [
        { href: '/firmware-loads', label: 'Firmware Loads' },
        { href: '/device-defaults', label: 'Device Defaults' },
        ...(configured ? [{ ...phone, label: `Phone ${deviceName} (Phone Load Name)` }] : []),
      ];
    case 'device':
      return configured ? [] : [addPhone];
    case 'dn-conflict':
      return [{ href: '/directory-numbers', label: 'Directory Number' }, ...(configured ? [phone] : [])];
    case 'credentials':
      return configured ? [phone] : [];
    case 'registration':
      return [
        { href: `/registration-events${query({ device: deviceName })}`, label: 'Registration Events' },
        ...(configured ? [phone] : []),
      ];
    default:
      return [];
  }
}

function verdictKind(d: Diagnosis): 'problem' | 'warning' | 'ok' {
  if (d.firstProblem) return 'problem';
  return d.checks.some((c) => c.status === 'warning') ? 'warning' : 'ok';
}

/**
 * Monitoring > Why isn't this phone registering?: walks the chain from "plugged in" to
 * "registered" for one device, names the first broken link and where to fix it, and runs again
 * by itself when the device tries to register or the configuration changes.
 */
export function TroubleshootPage() {
  const { search } = useLocation();
  const device = search.get('device') ?? '';
  const [draft, setDraft] = useState(device);
  const [checkedAt, setCheckedAt] = useState<Date | null>(null);
  useEffect(() => setDraft(device), [device]);
  useEffect(() => {
    document.title = "Why isn't this phone registering? — openucm";
  }, []);

  const result = useLoad(async () => {
    const path = diagnosisPath(device);
    if (!path) return null;
    const d = await get<Diagnosis>(path);
    setCheckedAt(new Date());
    return d;
  }, device);
  const d = result.data;
  const name = d?.deviceName ?? null;
  // The name the API diagnosed, for the live events (the input may have been a MAC).
  const nameRef = useRef(name);
  nameRef.current = name;

  const rerun = useThrottle(result.reload, 500);
  useLiveEvent('registration-event', (e) => e.deviceName === nameRef.current && rerun());
  useLiveEvent('device-status', (s) => s.name === nameRef.current && rerun());
  useLiveEvent('configuration-changed', (c) => {
    if (c.what !== 'device' || c.name === nameRef.current) rerun();
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    navigate(`/troubleshoot${query({ device: draft.trim() })}`);
  };

  const configured = d?.checks.some((c) => c.id === 'device' && c.status === 'ok') ?? false;
  const kind = d ? verdictKind(d) : 'ok';
  const heading =
    kind === 'problem'
      ? 'Broken link found'
      : kind === 'warning'
        ? 'No broken link; warnings'
        : 'No broken link';

  return (
    <>
      <PageTitle>Why isn&apos;t this phone registering?</PageTitle>
      <p className="muted">
        Walks the chain from a phone plugged into the network to a registered phone — device name,
        configuration download, device record or auto-registration, protocol, firmware load, directory
        numbers, registration — and names the first broken link with its fix.
      </p>
      <form className="form" onSubmit={submit} role="search" aria-label="Diagnose a phone">
        <fieldset>
          <legend>Phone</legend>
          <Field
            label="Device name or MAC address"
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            placeholder="SEP001BD4C3A2F1 or 00:1b:d4:c3:a2:f1"
            autoComplete="off"
            spellCheck={false}
            hint="A MAC may use any separators (colons, dots, dashes) or none."
          />
          <div className="toolbar">
            <button type="submit" className="primary" disabled={draft.trim() === ''}>
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
      {device && <Loading error={result.error} loading={result.loading && !d} />}
      {d && (
        <>
          <Verdict kind={kind} heading={heading} text={d.verdict} busy={result.loading}>
            <p className="muted verdict-when">
              Checked at {checkedAt?.toLocaleTimeString() ?? '—'}; runs again by itself when {d.deviceName}{' '}
              tries to register or the configuration changes.
            </p>
          </Verdict>
          <section className="panel" aria-labelledby="checks-title">
            <h2 id="checks-title">The chain, link by link</h2>
            <ol className="checks">
              {d.checks.map((c, i) => (
                <CheckItem
                  key={`${c.id}-${i}`}
                  check={c}
                  links={c.status === 'ok' ? [] : fixLinks(c, d.deviceName, configured)}
                  linksLabel="Fix it on:"
                />
              ))}
            </ol>
            <p>
              {configured && (
                <>
                  <Link href={`/phones/${encodeURIComponent(d.deviceName)}`}>Phone {d.deviceName}</Link>
                  {' · '}
                </>
              )}
              <Link href={`/registration-events${query({ device: d.deviceName })}`}>
                Registration events of {d.deviceName}
              </Link>
            </p>
          </section>
        </>
      )}
    </>
  );
}
