import type { ReactNode } from 'react';
import type { CheckStatus } from '../api/types';
import { Link } from '../router';

/** Icon and word of each check status: the status is always written, never shown by colour alone. */
export const CHECK_STATUS: Record<CheckStatus, { icon: string; label: string }> = {
  ok: { icon: '✔', label: 'OK' },
  problem: { icon: '✖', label: 'Problem' },
  warning: { icon: '⚠', label: 'Warning' },
  info: { icon: 'ℹ', label: 'Info' },
};

/** A page where the remedy of a check is carried out. */
export interface FixLink {
  href: string;
  label: string;
}

/** What a troubleshooter check says, whichever troubleshooter walked it (a phone's, a call's). */
export interface CheckView {
  id: string;
  status: CheckStatus;
  title: string;
  detail: string;
  fix?: string | null;
}

/** One walked check of a troubleshooter: status, what was found, the fix, and where to make it. */
export function CheckItem({
  check,
  links,
  linksLabel,
}: {
  check: CheckView;
  links: FixLink[];
  linksLabel: string;
}) {
  const s = CHECK_STATUS[check.status];
  return (
    <li className={`check check-${check.status}`} data-check={check.id}>
      <span className="check-icon" aria-hidden="true">
        {s.icon}
      </span>
      <span className="check-status">{s.label}</span>
      <div className="check-body">
        <strong>{check.title}</strong>: {check.detail}
        {check.fix && (
          <p className="check-fix">
            <strong>Fix:</strong> {check.fix}
          </p>
        )}
        {links.length > 0 && (
          <p className="check-links">
            {linksLabel}{' '}
            {links.map((l, i) => (
              <span key={l.href}>
                {i > 0 && ' · '}
                <Link href={l.href}>{l.label}</Link>
              </span>
            ))}
          </p>
        )}
      </div>
    </li>
  );
}

/** A troubleshooter's verdict: what it found first, in words, above the checks it walked. */
export function Verdict({
  kind,
  heading,
  text,
  busy,
  children,
}: {
  kind: 'problem' | 'warning' | 'ok';
  heading: string;
  text: string;
  busy: boolean;
  children?: ReactNode;
}) {
  return (
    <section
      className={`verdict verdict-${kind}`}
      aria-labelledby="verdict-title"
      aria-live="polite"
      aria-busy={busy}
    >
      <h2 id="verdict-title">
        <span className="verdict-icon" aria-hidden="true">
          {CHECK_STATUS[kind].icon}
        </span>{' '}
        {heading}
      </h2>
      <p className="verdict-text">{text}</p>
      {children}
    </section>
  );
}
