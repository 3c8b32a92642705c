/**
 * The call managers a configuration file lists: the members of the device's Unified CM Group, in
 * priority order, that are running and have said where they listen (cluster.md §1.2: every TFTP
 * server must hand out the same file, so the list depends on the group, not on the node rendering).
 */
export interface MemberState {
  name: string;
  /** The node exists, has announced its endpoint and its heartbeat is fresh. */
  usable: boolean;
}

export type CallManagerChoice =
  | { kind: 'members'; names: string[]; dropped: string[] }
  /** No member is usable: the file lists the rendering node so that the phone is not left with nothing. */
  | { kind: 'fallback'; names: string[]; dropped: string[] };

/** Picks the group's usable members in order (at most three), or falls back to `self` when none is. */
export function chooseCallManagers(
  members: readonly string[],
  state: (name: string) => MemberState,
  self: string | null,
): CallManagerChoice {
  const names: string[] = [];
  const dropped: string[] = [];
  for (const member of members.slice(0, 3)) {
    if (state(member).usable) names.push(member);
    else dropped.push(member);
  }
  if (names.length > 0) return { kind: 'members', names, dropped };
  return { kind: 'fallback', names: self !== null ? [self] : [], dropped };
}
