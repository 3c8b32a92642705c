/**
 * Firmware load identifiers (provisioning.md §3.1): which signalling protocol a load speaks.
 * Pure domain knowledge shared by provisioning, diagnosis and the phone simulator.
 */

/** Protocol an application load runs; MGCP loads exist for 7940/7960 but openucm does not serve MGCP. */
export type LoadProtocol = 'SCCP' | 'SIP' | 'MGCP';

// provisioning.md §3.1: 7940/7960 universal application loader `P003-x-y-zz` (ships inside SIP 8.12).
const UNIVERSAL_LOADER = /^P003-\d/i;
// provisioning.md §3.1: "Third character of 79x0 names = protocol: 0 SCCP, S SIP, M MGCP".
const P0_FAMILY = /^P0([0-9SM])/i;
// provisioning.md §3.1: 79x1/79x2/797x loads start `SCCPnn.` or `SIPnn.` (SCCP41.…, SIP42.…).
const TNP_FAMILY = /^(SCCP|SIP)\d{2}\./i;
// provisioning.md §3.1: 7902/7905/7912 `CP79xx…SCCP…` / `…SIP…`, e.g. CP7912080004SCCP080108A.
const CP_FAMILY = /^CP79\d\d.*?(SCCP|SIP|MGCP)/i;

/**
 * The protocol of a load ID, or null when the name does not tell (unknown pattern, or the
 * 7940/7960 universal loader, which is not an application). Load IDs are compared as opaque
 * strings elsewhere; this only reads the protocol marker.
 */
export function protocolOfLoad(loadId: string): LoadProtocol | null {
  const id = loadId.trim();
  if (UNIVERSAL_LOADER.test(id)) return null;
  const p0 = P0_FAMILY.exec(id);
  if (p0) {
    const marker = p0[1].toUpperCase();
    if (marker === 'S') return 'SIP';
    if (marker === 'M') return 'MGCP';
    return 'SCCP';
  }
  const tnp = TNP_FAMILY.exec(id);
  if (tnp) return tnp[1].toUpperCase() as LoadProtocol;
  const cp = CP_FAMILY.exec(id);
  if (cp) return cp[1].toUpperCase() as LoadProtocol;
  return null;
}

/** True for the 7940/7960 universal application loader image (`P003-8-12-00`). */
export function isUniversalLoader(loadId: string): boolean {
  return UNIVERSAL_LOADER.test(loadId.trim());
}

// A load id is a firmware file's base name, as phones ask for it over TFTP (provisioning.md §3.1).
const LOAD_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Why `loadId` cannot be a load id, or null when it can. */
export function loadIdProblem(loadId: string): string | null {
  return LOAD_ID.test(loadId)
    ? null
    : `load id "${loadId}" must be 1–64 letters, digits, ".", "_" or "-" (the firmware file name without its extension, e.g. P00308010200)`;
}
