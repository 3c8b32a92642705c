import type { CallManagerEntry } from './call-managers.js';
import { callManagerGroup } from './call-managers.js';
import { toXml } from './xml.js';

export interface DefaultLoad {
  /** SCCP device type number: the N of loadInformationN (provisioning.md §2.3). */
  deviceType: number;
  displayName: string;
  loadId: string | null;
}

/**
 * XMLDefault.cnf.xml: what an unknown phone reads. It lists the call managers that accept
 * auto-registration and, per device type, the load of the auto-registration protocol.
 */
export function renderXmlDefault(input: { callManagers: CallManagerEntry[]; loads: DefaultLoad[] }): string {
  const root: Record<string, unknown> = {
    callManagerGroup: callManagerGroup('Auto-registration', input.callManagers),
  };
  for (const load of input.loads) {
    // An empty element means "no forced load" (provisioning.md §2.3).
    root[`loadInformation${load.deviceType}`] = { '@_model': load.displayName, '#text': load.loadId ?? '' };
  }
  return toXml({ Default: root });
}
