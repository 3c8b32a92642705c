/**
 * Where one SCCP connection stands. Nothing but Register may start it (sccp.md §5); while the
 * node decides, other frames wait; once registered, every message family is handled.
 */
export type SessionState = 'awaiting-register' | 'registering' | 'registered' | 'closing' | 'closed';

const NEXT: Readonly<Record<SessionState, readonly SessionState[]>> = {
  'awaiting-register': ['registering', 'closing', 'closed'],
  registering: ['registered', 'closing', 'closed'],
  registered: ['closing', 'closed'],
  closing: ['closed'],
  closed: [],
};

/**
 * What a request to go from `from` to `to` means: a `move`; `stay` when the connection is
 * already ending that way (a second close, a limit reached while closing: no news); `illegal`
 * for anything else, which is a bug in openucm.
 */
export function sessionMove(from: SessionState, to: SessionState): 'move' | 'stay' | 'illegal' {
  if (NEXT[from].includes(to)) return 'move';
  if ((to === 'closing' || to === 'closed') && (from === 'closing' || from === 'closed')) return 'stay';
  return 'illegal';
}
