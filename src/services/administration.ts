import type { Logger } from 'pino';
import type { Store } from '../store/store.js';
import { AdminSettingsService } from './admin-settings.js';
import { AuditTrail } from './audit-trail.js';
import { AccessChanges } from './access-changes.js';
import type { AuthThrottle } from './auth-throttle.js';
import type { AuthenticationPolicy } from './authentication.js';
import { AuthenticationService } from './authentication.js';
import type { LimitReporter } from './limit-log.js';
import type { Clock } from './clock.js';
import type { ConfigurationService } from './configuration-service.js';
import { DashboardService } from './dashboard.js';
import type { DnAllocator } from './dn-allocator.js';
import type { LiveEvents } from './live-events.js';
import { PendingPhoneService } from './pending-phones.js';
import { PhoneEditor } from './phone-editor.js';
import type { StatusWriter } from './status-writer.js';
import { UserAdministration } from './user-administration.js';

/** The use cases of the administration UI and API besides ConfigurationService. */
export interface Administration {
  authentication: AuthenticationService;
  /** Users deleted, passwords changed, API keys revoked, sessions ended: what holds them lets go. */
  changes: AccessChanges;
  users: UserAdministration;
  audit: AuditTrail;
  phones: PhoneEditor;
  settings: AdminSettingsService;
  dashboard: DashboardService;
  /** Device > Pending Phones: the auto-registration guard's approval queue. */
  pendingPhones: PendingPhoneService;
}

/** Builds the administration services of one node over the same store, clock and events. */
export function createAdministration(deps: {
  store: Store;
  clock: Clock;
  allocator: DnAllocator;
  statusWriter: StatusWriter;
  live: LiveEvents;
  configuration: ConfigurationService;
  logger: Logger;
  /** The node's per-address count of failed authentications (shared with SIP digest). */
  throttle: AuthThrottle;
  limits: LimitReporter;
  policy?: Partial<AuthenticationPolicy>;
  maxApiKeysPerUser: number;
  /** Calls the node holds now, for the dashboard. */
  activeCalls?: () => number;
}): Administration {
  const { store, clock, logger } = deps;
  const changes = new AccessChanges();
  const authentication = new AuthenticationService(
    { store, clock, logger, throttle: deps.throttle, limits: deps.limits, changes },
    deps.policy,
  );
  const settings = new AdminSettingsService(store);
  return {
    authentication,
    changes,
    users: new UserAdministration({
      store,
      clock,
      authentication,
      changes,
      logger,
      maxApiKeysPerUser: deps.maxApiKeysPerUser,
    }),
    audit: new AuditTrail({ store, clock, logger }),
    phones: new PhoneEditor({
      store,
      clock,
      allocator: deps.allocator,
      statusWriter: deps.statusWriter,
      live: deps.live,
      logger,
    }),
    settings,
    pendingPhones: new PendingPhoneService({ store, clock, live: deps.live, logger }),
    dashboard: new DashboardService({
      store,
      clock,
      configuration: deps.configuration,
      settings,
      statusWriter: deps.statusWriter,
      activeCalls: deps.activeCalls,
    }),
  };
}
