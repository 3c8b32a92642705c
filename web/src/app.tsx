import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ApiError, get, post, setCsrfToken, whenSessionEnds } from './api/client';
import type { Session } from './api/types';
import { Layout } from './components/layout';
import { LiveProvider } from './live';
import { ActiveCallsPage } from './pages/active-calls';
import { ApiKeysPage } from './pages/api-keys';
import { AuditLogPage } from './pages/audit-log';
import { CallDetailRecordsPage } from './pages/call-detail-records';
import { BackupPage } from './pages/backup';
import { BulkPage } from './pages/bulk';
import { CmGroupsPage } from './pages/cm-groups';
import { CertificatesPage } from './pages/certificates';
import { DevicePoolsPage } from './pages/device-pools';
import { SecurityProfilesPage } from './pages/security-profiles';
import { BulkJobPage, BulkJobsPage } from './pages/bulk-jobs';
import { ChangePasswordPage } from './pages/change-password';
import { DashboardPage } from './pages/dashboard';
import { DeviceDefaultsPage } from './pages/device-defaults';
import { DirectoryNumbersPage } from './pages/directory-numbers';
import { EnterpriseParametersPage } from './pages/enterprise-parameters';
import { FirmwareLoadsPage } from './pages/firmware-loads';
import { MusicOnHoldPage } from './pages/music-on-hold';
import { LoginPage } from './pages/login';
import { MigratePhonesPage } from './pages/migrate-phones';
import { NodePage, NodesPage } from './pages/nodes';
import { PendingPhonesPage } from './pages/pending-phones';
import { NewPhonePage } from './pages/phone-new';
import { PhonePage } from './pages/phone';
import { PhonesPage } from './pages/phones';
import { RegistrationEventsPage } from './pages/registration-events';
import { TroubleshootPage } from './pages/troubleshoot';
import { TroubleshootCallPage } from './pages/troubleshoot-call';
import { UsersPage } from './pages/users';
import { match, useLocation } from './router';
import { SessionCtx } from './session';

function Routes() {
  const { path } = useLocation();
  let params: Record<string, string> | null;
  if (path === '/') return <DashboardPage />;
  if (path === '/enterprise-parameters') return <EnterpriseParametersPage />;
  if (path === '/nodes') return <NodesPage />;
  if (path === '/backup') return <BackupPage />;
  if (path === '/certificates') return <CertificatesPage />;
  if (path === '/cm-groups') return <CmGroupsPage />;
  if (path === '/device-pools') return <DevicePoolsPage />;
  if (path === '/phone-security-profiles') return <SecurityProfilesPage />;
  if ((params = match('/nodes/:name', path))) return <NodePage key={params.name} name={params.name} />;
  if (path === '/phones') return <PhonesPage />;
  if (path === '/phones/new') return <NewPhonePage />;
  if (path === '/pending-phones') return <PendingPhonesPage />;
  if ((params = match('/phones/:name', path))) return <PhonePage key={params.name} name={params.name} />;
  if (path === '/directory-numbers') return <DirectoryNumbersPage />;
  if (path === '/registration-events') return <RegistrationEventsPage />;
  if (path === '/call-detail-records') return <CallDetailRecordsPage />;
  if (path === '/active-calls') return <ActiveCallsPage />;
  if (path === '/troubleshoot-call') return <TroubleshootCallPage />;
  if (path === '/audit-log') return <AuditLogPage />;
  if (path === '/users') return <UsersPage />;
  if (path === '/api-keys') return <ApiKeysPage />;
  if (path === '/bulk') return <BulkPage />;
  if (path === '/device-defaults') return <DeviceDefaultsPage />;
  if (path === '/firmware-loads') return <FirmwareLoadsPage />;
  if (path === '/music-on-hold') return <MusicOnHoldPage />;
  if (path === '/troubleshoot') return <TroubleshootPage />;
  if (path === '/migrate-phones') return <MigratePhonesPage />;
  if (path === '/bulk-jobs') return <BulkJobsPage />;
  if ((params = match('/bulk-jobs/:id', path))) return <BulkJobPage key={params.id} id={params.id} />;
  if (path === '/password') return <ChangePasswordPage />;
  return (
    <>
      <h1>Page not found</h1>
      <p>There is no page at {path}. Use the menu on the left.</p>
    </>
  );
}

/** Signs in (or finds the session after a reload), then shows the administration pages. */
export function App() {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [ended, setEnded] = useState<string | null>(null);

  const end = useCallback((message: string | null) => {
    setCsrfToken(null);
    setSession(null);
    setEnded(message);
  }, []);

  useEffect(() => {
    whenSessionEnds((message) => end(message));
    get<Session>('/me').then(
      (s) => {
        setCsrfToken(s.csrfToken);
        setSession(s);
      },
      () => setSession(null),
    );
  }, [end]);

  // Signing out ends the session's event stream too; that is not a session lost.
  const signingOut = useRef(false);

  const checkSession = useCallback(() => {
    get<Session>('/me').catch((e: unknown) => {
      if (e instanceof ApiError && e.status === 401 && !signingOut.current) end(e.message);
    });
  }, [end]);

  const signOut = useCallback(() => {
    signingOut.current = true;
    post('/logout').finally(() => end('You have signed out.'));
  }, [end]);

  const context = useMemo(
    () => (session ? { session, canChange: session.user.role === 'admin', signOut } : null),
    [session, signOut],
  );

  if (session === undefined) return <p className="muted boot">Loading…</p>;
  if (!session || !context)
    return (
      <LoginPage
        message={ended}
        onSignedIn={(s) => {
          signingOut.current = false;
          setCsrfToken(s.csrfToken);
          setEnded(null);
          setSession(s);
        }}
      />
    );
  return (
    <SessionCtx.Provider value={context}>
      <LiveProvider onLost={checkSession}>
        <Layout>
          <Routes />
        </Layout>
      </LiveProvider>
    </SessionCtx.Provider>
  );
}
