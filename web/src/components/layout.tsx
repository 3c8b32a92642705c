import type { ReactNode } from 'react';
import { useLiveState } from '../live';
import { Link, useLocation } from '../router';
import { useSession } from '../session';

interface MenuItem {
  label: string;
  href: string;
}

/** The left menu, grouped as in CUCM Administration. */
export const MENU: { group: string; items: MenuItem[] }[] = [
  { group: 'Overview', items: [{ label: 'Dashboard', href: '/' }] },
  {
    group: 'System',
    items: [
      { label: 'Enterprise Parameters', href: '/enterprise-parameters' },
      { label: 'Cisco Unified CM', href: '/nodes' },
      { label: 'Cisco Unified CM Group', href: '/cm-groups' },
      { label: 'Device Pool', href: '/device-pools' },
      { label: 'Phone Security Profile', href: '/phone-security-profiles' },
      { label: 'Backup', href: '/backup' },
      { label: 'Certificate Management', href: '/certificates' },
    ],
  },
  {
    group: 'Device',
    items: [
      { label: 'Phone', href: '/phones' },
      { label: 'Pending Phones', href: '/pending-phones' },
      { label: 'Device Defaults', href: '/device-defaults' },
      { label: 'Firmware Loads', href: '/firmware-loads' },
    ],
  },
  { group: 'Call Routing', items: [{ label: 'Directory Number', href: '/directory-numbers' }] },
  { group: 'Media Resources', items: [{ label: 'Music On Hold Audio Source', href: '/music-on-hold' }] },
  {
    group: 'Bulk Administration',
    items: [
      { label: 'Import/Export Phones', href: '/bulk' },
      { label: 'Migrate Phones', href: '/migrate-phones' },
      { label: 'Job Scheduler', href: '/bulk-jobs' },
    ],
  },
  {
    group: 'Monitoring',
    items: [
      { label: 'Registration Events', href: '/registration-events' },
      { label: 'Active Calls', href: '/active-calls' },
      { label: 'Call Detail Records', href: '/call-detail-records' },
      { label: "Why isn't this phone registering?", href: '/troubleshoot' },
      { label: 'Why did this call fail?', href: '/troubleshoot-call' },
      { label: 'Audit Log', href: '/audit-log' },
    ],
  },
  {
    group: 'User Management',
    items: [
      { label: 'Users', href: '/users' },
      { label: 'API Keys', href: '/api-keys' },
    ],
  },
];

function isCurrent(href: string, path: string): boolean {
  return href === '/' ? path === '/' : path === href || path.startsWith(`${href}/`);
}

function LiveIndicator() {
  const state = useLiveState();
  const text = state === 'live' ? 'Live' : state === 'connecting' ? 'Connecting…' : 'Offline';
  return (
    <span
      className={`live live-${state}`}
      role="status"
      title="Status pushed by the node (server-sent events)"
    >
      <span className="live-dot" aria-hidden="true" />
      {text}
    </span>
  );
}

export function Layout({ children }: { children: ReactNode }) {
  const { path } = useLocation();
  const { session, canChange, signOut } = useSession();
  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link href="/" className="brand">
          <span className="brand-mark" aria-hidden="true">
            ◼
          </span>
          openucm <span className="brand-sub">Administration</span>
        </Link>
        <div className="topbar-right">
          <LiveIndicator />
          <span className="who">
            {session.user.name} <span className="role">({session.user.role})</span>
          </span>
          <Link href="/password">Change password</Link>
          <a href="/api/docs" target="_blank" rel="noreferrer">
            API docs
          </a>
          <button type="button" className="link-button" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      <nav className="menu" aria-label="Administration menu">
        {MENU.map((g) => (
          <div key={g.group} className="menu-group">
            <h2 className="menu-heading">{g.group}</h2>
            <ul>
              {g.items.map((item) => (
                <li key={item.href}>
                  <Link href={item.href} aria-current={isCurrent(item.href, path) ? 'page' : undefined}>
                    {item.label}
                  </Link>
                </li>
              ))}
            </ul>
          </div>
        ))}
      </nav>
      <main id="main" className="content" tabIndex={-1}>
        {!canChange && (
          <p className="banner banner-info">
            You are signed in as a read-only user: you can see everything but change nothing.
          </p>
        )}
        {children}
      </main>
    </div>
  );
}
