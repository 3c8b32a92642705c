/**
 * A SIP dialog (RFC 3261 §12) of one call leg, as data and one transition(): its Call-ID and
 * tags, the CSeq numbers of each side, the route set and the remote target. Pure: building and
 * sending messages is the leg's job (sip-leg.ts).
 */

/** RFC 3261 §12: early (a provisional response with a tag), confirmed (2xx), terminated. */
export type DialogState = 'early' | 'confirmed' | 'terminated';

export interface Dialog {
  readonly state: DialogState;
  readonly callId: string;
  readonly localTag: string;
  /** The peer's tag; null until its first response with a To tag (our INVITE's dialog). */
  readonly remoteTag: string | null;
  /** Our side's name-addr (From of our requests), without tag. */
  readonly localUri: string;
  /** The phone's side (To of our requests), without tag. */
  readonly remoteUri: string;
  /** CSeq of our last request in the dialog. */
  readonly localCseq: number;
  /** CSeq of the phone's last request; null before its first. */
  readonly remoteCseq: number | null;
  /** RFC 3261 §12.1: Record-Route as received (UAS), reversed (UAC); Route of our requests. */
  readonly routeSet: readonly string[];
  /** RFC 3261 §12.1: the Contact URI of the phone's request or 2xx: our requests' Request-URI. */
  readonly remoteTarget: string;
}

export type DialogEvent =
  /** We answered the phone's INVITE (UAS) with a 2xx, or got a 2xx to ours (UAC, with its tag and Contact). */
  | { kind: 'confirmed'; remoteTag?: string; remoteTarget?: string; recordRoute?: readonly string[] }
  /** A provisional response with a To tag made the dialog early (UAC). */
  | { kind: 'early'; remoteTag: string }
  /** We send a new request in the dialog: the CSeq grows by one (RFC 3261 §12.2.1.1). */
  | { kind: 'request-sent' }
  /** The phone sent a request in the dialog with this CSeq. */
  | { kind: 'request-received'; cseq: number; remoteTarget?: string }
  /** A non-2xx final response to the INVITE, a BYE, or a CANCEL ended it. */
  | { kind: 'terminated' };

export type DialogVerdict = 'ok' | 'out-of-order';

/** The dialog of an INVITE the phone sent us (UAS): our tag is its To tag. */
export function uasDialog(init: {
  callId: string;
  localTag: string;
  remoteTag: string;
  localUri: string;
  remoteUri: string;
  cseq: number;
  remoteTarget: string;
  recordRoute: readonly string[];
}): Dialog {
  return {
    state: 'early',
    callId: init.callId,
    localTag: init.localTag,
    remoteTag: init.remoteTag,
    localUri: init.localUri,
    remoteUri: init.remoteUri,
    localCseq: 0,
    remoteCseq: init.cseq,
    routeSet: [...init.recordRoute],
    remoteTarget: init.remoteTarget,
  };
}

/** The dialog of an INVITE we send a phone (UAC), before any response. */
export function uacDialog(init: {
  callId: string;
  localTag: string;
  localUri: string;
  remoteUri: string;
  cseq: number;
  remoteTarget: string;
}): Dialog {
  return {
    state: 'early',
    callId: init.callId,
    localTag: init.localTag,
    remoteTag: null,
    localUri: init.localUri,
    remoteUri: init.remoteUri,
    localCseq: init.cseq,
    remoteCseq: null,
    routeSet: [],
    remoteTarget: init.remoteTarget,
  };
}

/** The next dialog, and whether a request from the phone was in order (RFC 3261 §12.2.2). */
export function transition(dialog: Dialog, event: DialogEvent): { dialog: Dialog; verdict: DialogVerdict } {
  const ok = (next: Dialog) => ({ dialog: next, verdict: 'ok' as const });
  if (dialog.state === 'terminated') {
    return { dialog, verdict: event.kind === 'request-received' ? 'out-of-order' : 'ok' };
  }
  switch (event.kind) {
    case 'early':
      if (dialog.state !== 'early') return ok(dialog);
      return ok({ ...dialog, remoteTag: dialog.remoteTag ?? event.remoteTag });
    case 'confirmed':
      if (dialog.state === 'confirmed') return ok(dialog);
      return ok({
        ...dialog,
        state: 'confirmed',
        remoteTag: event.remoteTag ?? dialog.remoteTag,
        remoteTarget: event.remoteTarget ?? dialog.remoteTarget,
        // RFC 3261 §12.1.2: the UAC's route set is the Record-Route of the 2xx "taken in reverse order".
        routeSet: event.recordRoute ? [...event.recordRoute].reverse() : dialog.routeSet,
      });
    case 'request-sent':
      return ok({ ...dialog, localCseq: dialog.localCseq + 1 });
    case 'request-received':
      // RFC 3261 §12.2.2: "If the remote sequence number was not empty, but the sequence number of the request
      // is lower than the remote sequence number, the request is out of order and MUST be rejected with a 500".
      if (dialog.remoteCseq !== null && event.cseq <= dialog.remoteCseq)
        return { dialog, verdict: 'out-of-order' };
      return ok({
        ...dialog,
        remoteCseq: event.cseq,
        // RFC 3261 §12.2.2: a target refresh request (re-INVITE) replaces the remote target.
        remoteTarget: event.remoteTarget ?? dialog.remoteTarget,
      });
    case 'terminated':
      return ok({ ...dialog, state: 'terminated' });
  }
}
