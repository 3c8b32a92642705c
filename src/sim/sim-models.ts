/** What the simulator needs to know about a phone model to behave like it. */
import { phoneModel, phoneModels } from '../core/phone-models.js';

export interface SimModel {
  /** Marketing number, e.g. 7940. */
  model: string;
  displayName: string;
  /** SCCP Register deviceType and XMLDefault loadInformation<N> (provisioning.md §2.3 = sccp.md §4). */
  deviceType: number;
  lineButtons: number;
  /** The load a phone of this model runs out of the box: the last SCCP load (provisioning.md §3.3). */
  factoryLoad: string;
  /** 7940/7960 family: SIP loads read OS79XX.TXT, SIPDefault.cnf, SIP<MAC>.cnf (provisioning.md §1.3). */
  classic: boolean;
  /** Max SCCP protocol version it announces: 11 for 7940/7960 on 8.x, 17 for 79x1 on 8.5+ (sccp.md §3.1). */
  sccpProtocolVersion: number;
  /** sip-cisco.md §1.3: `Cisco-CP<model>G/<ver>`. */
  userAgent(load: string): string;
}

const CLASSIC = new Set(['7940', '7960']);

/** The simulator's view of a catalogue model; undefined for an unknown or soft model. */
export function simModel(model: string): SimModel | undefined {
  const m = phoneModel(model);
  if (!m || m.sccpDeviceType < 0 || !m.defaultLoads.SCCP) return undefined;
  const classic = CLASSIC.has(m.model);
  return {
    model: m.model,
    displayName: m.displayName,
    deviceType: m.sccpDeviceType,
    lineButtons: m.lineButtons,
    factoryLoad: m.defaultLoads.SCCP,
    classic,
    sccpProtocolVersion: classic ? 11 : 17,
    userAgent: (load) => {
      // P0S3-8-12-00 → 8.12 (as 7940/7960 send 8.0), SIP42.8-5-3S → 8.5.3 (sip-cisco.md §1.3 examples).
      const v = /^(?:P0S3-|SIP\d\d\.)(\d+)-(\d+)(?:-(\d+))?/i.exec(load);
      const version = !v
        ? '8.0'
        : classic || v[3] === undefined
          ? `${Number(v[1])}.${Number(v[2])}`
          : `${Number(v[1])}.${Number(v[2])}.${Number(v[3])}`;
      return `Cisco-CP${m.model}G/${version}`;
    },
  };
}

/** Models the simulator can play. */
export function simModelNames(): string[] {
  return phoneModels()
    .map((m) => m.model)
    .filter((m) => simModel(m) !== undefined);
}
