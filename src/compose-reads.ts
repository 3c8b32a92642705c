import type { HttpReads } from './http/app.js';
import { CallDetailRecords } from './services/call-detail-records.js';
import type { ConfigurationService } from './services/configuration-service.js';
import { DeviceStatistics } from './services/device-statistics.js';
import { DirectoryNumbers } from './services/directory-numbers.js';
import { RegistrationLog } from './services/registration-log.js';
import type { StatusWriter } from './services/status-writer.js';
import type { Store } from './store/store.js';

/** The read services of the administration API and /metrics: HTTP reaches the store only through them. */
export function composeHttpReads(deps: {
  store: Store;
  statusWriter: StatusWriter;
  configuration: ConfigurationService;
}): HttpReads {
  return {
    registrationLog: new RegistrationLog(deps),
    callDetailRecords: new CallDetailRecords(deps),
    directoryNumbers: new DirectoryNumbers(deps),
    deviceStatistics: new DeviceStatistics(deps.store),
  };
}
