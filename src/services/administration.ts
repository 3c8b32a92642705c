import type { Logger } from 'pino';
import type { Store } from '../store/store.js';
import { AdminSettingsService } from './admin-settings.js';
import { AuditTrail } from './audit-trail.js';
import { AuthenticationService } from './authentication.js';
import type { Clock } from './clock.js';
import type { ConfigurationService } from './configuration-service.js';
import { DashboardService } from './dashboard.js';
import type { DnAllocator } from './dn-allocator.js';
import type { LiveEvents } from './live-events.js';
import { PhoneEditor } from './phone-editor.js';
import type { StatusWriter } from './status-writer.js';
import { UserAdministration } from './user-administration.js';

/** The use cases of the administration UI and API besides ConfigurationService. */
export interface Administration {
  authentication: AuthenticationService;
  users: UserAdministration;
  audit: AuditTrail;
  phones: PhoneEditor;
  settings: AdminSettingsService;
  dashboard: DashboardService;
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
}): Administration {
  const { store, clock, logger } = deps;
  const authentication = new AuthenticationService({ store, clock, logger });
  const settings = new AdminSettingsService(store);
  return {
    authentication,
    users: new UserAdministration({ store, clock, authentication, logger }),
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
    dashboard: new DashboardService({
      store,
      clock,
      configuration: deps.configuration,
      settings,
      statusWriter: deps.statusWriter,
    }),
  };
}
