/**
 * Release versions read from firmware load ids (provisioning.md §3.1), so that loads of one
 * family can be ordered: "is this phone's SCCP load older than 6.x?". Load ids stay opaque
 * strings everywhere else; this only reads the numbers in them.
 */
import type { LoadProtocol } from './load.js';

/**
 * `P0` = 7940/7960 names (`P003…`, `P0S3-…`, `P0M3-…`); `TNP` = 79x1/79x2/797x names
 * (`SCCPnn.…`, `SIPnn.…`, where nn is the model code: 41, 42, 45, 70, 11 …).
 */
export type LoadFamily = 'P0' | 'TNP';

export interface LoadVersion {
  loadId: string;
  family: LoadFamily;
  protocol: LoadProtocol;
  /** TNP model code (`41` of SIP41.…); null for P0 loads. */
  modelCode: string | null;
  /** Release numbers, most significant first: P00308010200 → [8, 1, 2, 0]. */
  parts: number[];
  /** Major release: 8 for P00308010200 and for P0S3-8-12-00. */
  major: number;
  /** As Cisco writes it: 8.1(2), 8.12(0), 9.4.2.1.1 for TNP loads. */
  display: string;
}

// provisioning.md §3.1 (Cisco's convention, confirmed): "SCCP firmware P003xxyyzzww: x major version,
// y major subversion, z maintenance version, w maintenance subversion"; early 8.3 names P003xxyy.
const P0_SCCP = /^P003(\d{2})(\d{2})(?:(\d{2})(\d{2}))?(?:\.bin)?$/i;
// provisioning.md §3.1: "SIP firmware P0S3-xx-y-zz" (major, minor, subversion); MGCP P0M3- alike.
const P0_DASHED = /^P0([SM])3-(\d{1,2})-(\d{1,2})-(\d{1,2})$/i;
// provisioning.md §3.1: 79x1/79x2/797x `SCCPnn.` / `SIPnn.` + version, e.g. SIP45.9-4-2-1SR3-1S.
const TNP = /^(SCCP|SIP)(\d{2})\.(\d[0-9A-Za-z-]*)$/i;

/** The version in `loadId`, or null when its name does not follow a known pattern. */
export function parseLoadVersion(loadId: string): LoadVersion | null {
  const id = loadId.trim();
  const sccp = P0_SCCP.exec(id);
  if (sccp) {
    const parts = sccp
      .slice(1)
      .filter((p) => p !== undefined)
      .map(Number);
    const display = parts.length >= 3 ? `${parts[0]}.${parts[1]}(${parts[2]})` : `${parts[0]}.${parts[1]}`;
    return { loadId: id, family: 'P0', protocol: 'SCCP', modelCode: null, parts, major: parts[0], display };
  }
  const dashed = P0_DASHED.exec(id);
  if (dashed) {
    const parts = dashed.slice(2).map(Number);
    return {
      loadId: id,
      family: 'P0',
      protocol: dashed[1].toUpperCase() === 'S' ? 'SIP' : 'MGCP',
      modelCode: null,
      parts,
      major: parts[0],
      display: `${parts[0]}.${parts[1]}(${parts[2]})`,
    };
  }
  const tnp = TNP.exec(id);
  if (tnp) {
    // 9-4-2SR1-1S → 9, 4, 2, 1, 1: the numbers left to right (SR = service release, trailing S = signed).
    const parts = (tnp[3].match(/\d+/g) ?? []).map(Number);
    if (parts.length === 0) return null;
    return {
      loadId: id,
      family: 'TNP',
      protocol: tnp[1].toUpperCase() as LoadProtocol,
      modelCode: tnp[2],
      parts,
      major: parts[0],
      display: parts.join('.'),
    };
  }
  return null;
}

/**
 * Orders two versions of the same family: negative when `a` is older, 0 when equal, positive
 * when newer; null when they cannot be compared (different families or TNP model codes).
 * Releases are ordered by their numbers left to right; that tells major and minor releases
 * apart exactly, and service releases of one TNP release approximately.
 */
export function compareLoadVersions(a: LoadVersion, b: LoadVersion): number | null {
  if (a.family !== b.family || a.modelCode !== b.modelCode) return null;
  const n = Math.max(a.parts.length, b.parts.length);
  for (let i = 0; i < n; i++) {
    const d = (a.parts[i] ?? 0) - (b.parts[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
