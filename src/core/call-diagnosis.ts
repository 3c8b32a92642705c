import { CALL_SPLIT } from './call/join.js';
import type { CallDetailRecord } from './call/cdr.js';
import type { Codec } from './call/codec.js';
import { codecOfSkinny } from './call/codec.js';
import type { Q850Cause } from './call/q850.js';
import { CAUSES } from './call/q850.js';
import type { CallCheck, CallCheckId } from './call-check.js';
import type { ForwardFacts } from './call-forward-diagnosis.js';
import { forwardCheck } from './call-forward-diagnosis.js';
import type { DeviceStatus } from './device.js';
import type { RegistrationEvent } from './registration-event.js';

/** What a call meets on its way, in the order the troubleshooter walks it. */

/** A device whose line holds the called DN. */
export interface CalledDevice {
  deviceName: string;
  status: DeviceStatus;
  /** The node it is registered on, or last was. */
  node: string | null;
  /** Its newest registration event (attempt, acceptance or unregistration), if any is kept. */
  lastEvent: RegistrationEvent | null;
  /** Calls it is part of now on this node. */
  calls: number;
  /** What it can receive, as its adapter told this node (SCCP capabilities); empty when unknown (SIP, or not here). */
  codecs: readonly Codec[];
}

/** What one side of a finished call offered, as the node that held it remembers. */
export interface CallSideMedia {
  deviceName: string;
  side: 'orig' | 'dest';
  codecs: readonly Codec[];
  /** An OpenReceiveChannel was sent and never answered. */
  openUnanswered: boolean;
}

/** Everything the call troubleshooter looks at, gathered by its service. */
export interface CallDiagnosisFacts {
  /** The calling DN (may be empty when only the called number is known). */
  calling: string;
  /** The number called, as dialled (without a closing #). */
  called: string;
  /** The call examined: the CDR asked about, or the newest between the two numbers; null when none. */
  cdr: (CallDetailRecord & { id: number; node: string }) | null;
  /** A directory number `called` is configured. */
  calledConfigured: boolean;
  /** The devices whose lines hold `called`. */
  calledDevices: CalledDevice[];
  /** --call-max-per-device. */
  maxCallsPerDevice: number;
  /** The media offers of the examined call, while its node remembers them; null otherwise. */
  media: CallSideMedia[] | null;
  /** The DNs' forwards now and the hop limit; absent: forwards are not looked at. */
  forwards?: ForwardFacts;
}

export interface CallDiagnosis {
  calling: string;
  called: string;
  /** Row id of the CDR examined, if any. */
  cdrId: number | null;
  /** One sentence: what made the call fail and the remedy, or that nothing did. */
  verdict: string;
  firstProblem: CallCheck | null;
  checks: CallCheck[];
}

const CODEC_NAMES: Record<Codec, string> = {
  PCMU: 'G.711 µ-law',
  PCMA: 'G.711 A-law',
  G722: 'G.722',
  G723: 'G.723.1',
  G729: 'G.729',
};

/** Which check explains a failure cause recorded in a CDR. */
const CAUSE_CHECK: Partial<Record<number, CallCheckId>> = {
  1: 'called-number',
  28: 'called-number',
  25: 'forward',
  20: 'registration',
  27: 'registration',
  17: 'busy',
  65: 'codec',
  47: 'media',
};

const CAUSE_FIX: Partial<Record<number, string>> = {
  18: 'The called phone did not respond: check that it is powered and reachable, then call again',
  19: 'Nobody answered while it rang (--call-ring-timeout-seconds); the caller may try again later',
  21: 'The called phone declined the call (SIP 403/603); nothing to fix on the node',
  34: 'A call limit refused the call: the node held --call-max-active calls, or the calling phone already had --call-max-per-device calls; raise the limit if the node has the capacity',
  41: "The node could not look up where the DN is registered: see the node's log at that time (database or cluster trouble)",
  102: 'The called phone stopped answering in the middle of the call setup: check its network path',
  127: "The called phone answered with an error openucm does not know: see the node's log and the phone's own log",
};

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const codecList = (codecs: readonly Codec[]) =>
  codecs.length === 0 ? 'nothing' : codecs.map((c) => CODEC_NAMES[c]).join(', ');
export const causeText = (cause: number) =>
  `cause ${cause} (${cause in CAUSES ? CAUSES[cause as Q850Cause].text : cause === CALL_SPLIT ? 'call split: a transfer joined its parties elsewhere' : 'unknown to openucm'})`;
const isoOfSeconds = (seconds: number) => new Date(seconds * 1000).toISOString();

/** The cause the call ended with: the destination's when it recorded one, else the caller's. */
export function endingCause(cdr: CallDetailRecord): number {
  return cdr.destCause_value !== 0 ? cdr.destCause_value : cdr.origCause_value;
}

/** A cause that means the call failed (0: none recorded; 16: someone hung up; 393216: split by a transfer). */
export const isFailure = (cause: number) => cause !== 0 && cause !== 16 && cause !== 393216;

function callCheck(f: CallDiagnosisFacts): CallCheck {
  const { cdr } = f;
  if (!cdr)
    return {
      id: 'call',
      title: 'Call',
      status: 'info',
      detail: `no call from ${f.calling || 'any number'} to ${f.called} is recorded (Call Detail Records are kept for CDR Retention (days)); the checks below say what a call would meet now`,
    };
  const cause = endingCause(cdr);
  const side = cdr.destCause_value !== 0 ? 'the called side' : 'the calling side';
  const began = `call ${cdr.globalCallID_callId} on ${cdr.node} at ${isoOfSeconds(cdr.dateTimeOrigination)} from ${cdr.callingPartyNumber} (${cdr.origDeviceName}) to ${cdr.originalCalledPartyNumber}`;
  if (cdr.dateTimeConnect !== 0 && !isFailure(cause))
    return {
      id: 'call',
      title: 'Call',
      status: 'ok',
      detail: `${began} was answered by ${cdr.destDeviceName}, lasted ${plural(cdr.duration, 'second')} and ended normally (${side} hung up)`,
    };
  if (!isFailure(cause))
    return {
      id: 'call',
      title: 'Call',
      status: 'info',
      detail: `${began} was not answered: the caller hung up first`,
    };
  return {
    id: 'call',
    title: 'Call',
    status: 'problem',
    detail: `${began} ${cdr.dateTimeConnect !== 0 ? 'was answered, then ended' : 'failed'} with ${causeText(cause)}, recorded by ${side}`,
    fix: CAUSE_FIX[cause],
  };
}

function calledNumberCheck(f: CallDiagnosisFacts, cause: number | null): CallCheck {
  const title = 'Called number';
  if (cause === 28)
    return {
      id: 'called-number',
      title,
      status: 'problem',
      detail:
        'the caller dialled nothing before the inter-digit timer (T302) expired: cause 28 (invalid number format)',
      fix: 'Dial the number within --call-t302-milliseconds of going off-hook, or raise that setting',
    };
  if (!f.calledConfigured)
    return {
      id: 'called-number',
      title,
      status: 'problem',
      detail: `no directory number ${f.called} is configured: a call to it gets reorder and "Unknown Number" (cause 1, unallocated number; SIP 404)`,
      fix: `Check the number dialled. To make ${f.called} ring a phone, add it to one of the phone's lines (Device > Phone); Call Routing > Directory Number lists the DNs configured`,
    };
  if (cause === 1)
    return {
      id: 'called-number',
      title,
      status: 'warning',
      detail: `${f.called} was not a configured DN when the call was made (cause 1); it is configured now`,
      fix: 'Call again: the call should find it now',
    };
  return { id: 'called-number', title, status: 'ok', detail: `${f.called} is a configured directory number` };
}

function lastEventText(device: CalledDevice): string {
  const e = device.lastEvent;
  if (!e) return `${device.deviceName}: no registration event is kept`;
  return `${device.deviceName}: last registration event at ${e.at} from ${e.address || 'an unknown address'} — ${e.outcome}: ${e.message}`;
}

function registrationCheck(f: CallDiagnosisFacts, cause: number | null): CallCheck {
  const title = 'Called phones registered';
  const registered = f.calledDevices.filter((d) => d.status === 'registered');
  if (f.calledDevices.length === 0)
    return {
      id: 'registration',
      title,
      status: 'problem',
      detail: `DN ${f.called} is configured but on no phone's line: nothing can ring (cause 20, subscriber absent; SIP 480)`,
      fix: `Add DN ${f.called} to a line of the phone that should ring (Device > Phone > Lines)`,
    };
  if (registered.length === 0) {
    const [first] = f.calledDevices;
    const remedy = f.calledDevices.find((d) => d.lastEvent?.remedy)?.lastEvent?.remedy;
    return {
      id: 'registration',
      title,
      status: 'problem',
      detail: `no phone of DN ${f.called} is registered, so none can ring (cause 20, subscriber absent; SIP 480). ${f.calledDevices.map(lastEventText).join('; ')}`,
      fix: `Bring ${f.calledDevices.length === 1 ? first.deviceName : 'one of these phones'} back: check it is powered and reaches the node${remedy ? ` (${remedy})` : ''}; Monitoring > Why isn't this phone registering? for ${first.deviceName} walks the rest`,
    };
  }
  const where = registered.map((d) => `${d.deviceName} on ${d.node ?? 'a node'}`).join(', ');
  const dropped = f.calledDevices.flatMap((d) =>
    d.lastEvent?.outcome === 'unregistered'
      ? [`${d.deviceName} was unregistered at ${d.lastEvent.at} (${d.lastEvent.message})`]
      : [],
  );
  if (cause === 20 || cause === 27)
    return {
      id: 'registration',
      title,
      status: 'warning',
      detail: `${cause === 27 ? 'the called phone went away during the call (cause 27, destination out of order)' : 'no phone of the DN was registered when the call was made (cause 20)'}; registered now: ${where}`,
      fix:
        dropped.length > 0
          ? `${dropped.join('; ')}: look at the network path of a phone that keeps dropping`
          : 'Call again: the phone can ring now',
    };
  return { id: 'registration', title, status: 'ok', detail: `registered: ${where}` };
}

function busyCheck(f: CallDiagnosisFacts, cause: number | null): CallCheck {
  const title = 'Called phones free';
  const registered = f.calledDevices.filter((d) => d.status === 'registered');
  const full = registered.filter((d) => d.calls >= f.maxCallsPerDevice);
  const self = f.calling !== '' && f.calling === f.called;
  const limit = `--call-max-per-device, ${f.maxCallsPerDevice}`;
  const fix = `Wait until one of its calls ends, add another phone to DN ${f.called} (a shared line rings every free phone), or raise --call-max-per-device if the phones can hold more calls`;
  if (cause === 17)
    return {
      id: 'busy',
      title,
      status: 'problem',
      detail: self
        ? `${f.calling} called its own number: its line is in use (cause 17, user busy)`
        : `every phone of DN ${f.called} was busy (cause 17, user busy; SIP 486): each was already part of as many calls as it may hold (${limit}) or answered busy itself (SIP 486/600). Now: ${registered.map((d) => `${d.deviceName} is in ${plural(d.calls, 'call')}`).join(', ') || 'none is registered'}`,
      fix: self ? 'Call another number' : fix,
    };
  if (registered.length > 0 && full.length === registered.length)
    return {
      id: 'busy',
      title,
      status: 'problem',
      detail: `every registered phone of DN ${f.called} is at its call limit now (${limit}): ${full.map((d) => d.deviceName).join(', ')}; a call gets busy (cause 17)`,
      fix,
    };
  if (registered.length === 0)
    return { id: 'busy', title, status: 'info', detail: 'no registered phone to check' };
  return {
    id: 'busy',
    title,
    status: 'ok',
    detail: `${registered.map((d) => `${d.deviceName} is in ${plural(d.calls, 'call')}`).join(', ')} (limit ${f.maxCallsPerDevice})`,
  };
}

function codecCheck(f: CallDiagnosisFacts, cause: number | null): CallCheck | null {
  const title = 'Codec';
  const fix =
    'Give both phones a codec in common — openucm never transcodes. Every Cisco phone has G.711 µ-law: put it in the SIP phone’s codec list (its configuration file or web page), and do not restrict an SCCP phone to G.729 only';
  const orig = f.media?.find((m) => m.side === 'orig');
  const dests = (f.media ?? []).filter(
    (m) => m.side === 'dest' && (!f.cdr?.destDeviceName || m.deviceName === f.cdr.destDeviceName),
  );
  // A callee refused at routing for its codecs was never part of the call: its capabilities now.
  const capable =
    dests.length > 0
      ? []
      : f.calledDevices.map((d) => ({ deviceName: d.deviceName, codecs: d.codecs, verb: 'can receive' }));
  const offers = orig
    ? [orig, ...dests]
        .map((m) => ({ deviceName: m.deviceName, codecs: m.codecs, verb: 'offered' }))
        .concat(capable)
        .filter((m) => m.codecs.length > 0)
    : [];
  const said = offers.map((m) => `${m.deviceName} ${m.verb} ${codecList(m.codecs)}`).join('; ');
  const common =
    offers.length >= 2 && offers.slice(1).every((d) => d.codecs.some((c) => offers[0].codecs.includes(c)));
  if (cause === 65)
    return {
      id: 'codec',
      title,
      status: 'problem',
      detail: `the phones share no codec (cause 65, bearer capability not implemented; SIP 488): ${said || 'their offers are no longer known (the node restarted, or the call was held by another node)'}`,
      fix,
    };
  if (offers.length >= 2 && !common)
    return { id: 'codec', title, status: 'problem', detail: `the phones share no codec: ${said}`, fix };
  if (!f.cdr || f.cdr.dateTimeConnect === 0) return null;
  const used = codecOfSkinny(f.cdr.origMediaCap_payloadCapability);
  return {
    id: 'codec',
    title,
    status: 'ok',
    detail: `the call used ${used ? CODEC_NAMES[used] : 'no codec'}${said ? ` (${said})` : ''}`,
  };
}

function mediaCheck(f: CallDiagnosisFacts, cause: number | null): CallCheck | null {
  const title = 'Media address';
  const silent = (f.media ?? []).filter((m) => m.openUnanswered);
  if (silent.length > 0)
    return {
      id: 'media',
      title,
      status: 'problem',
      detail: `${silent.map((m) => m.deviceName).join(' and ')} never answered OpenReceiveChannel: the node never learnt where ${silent.length === 1 ? 'it receives' : 'they receive'} audio, so the other phone was never told where to send (no audio${silent.length === 1 ? ' one way' : ''})`,
      fix: `Restart ${silent[0].deviceName}; if it happens again, check its firmware load (Device > Firmware Loads) supports the call's codec, and look at its network path (a firewall or NAT between phone and node)`,
    };
  if (cause === 47)
    return {
      id: 'media',
      title,
      status: 'problem',
      detail:
        'a phone could not open its receive channel (OpenReceiveChannelAck with an error; cause 47, resource unavailable): it had no audio resource for the codec',
      fix: 'Restart the phone; check that its firmware supports the codec and that it is not already in as many calls as it can hold',
    };
  if (!f.media || !f.cdr || f.cdr.dateTimeConnect === 0) return null;
  return { id: 'media', title, status: 'ok', detail: 'both phones said where they receive audio' };
}

/**
 * "Why did this call fail?": walks what a call from `calling` to `called` meets — the number, the
 * called phones' registration, their call limit, the codecs, the media addresses — and names the
 * link that broke it (the one the recorded cause points at first) with its remedy.
 */
export function diagnoseCall(f: CallDiagnosisFacts): CallDiagnosis {
  const cause = f.cdr ? endingCause(f.cdr) : null;
  const checks: CallCheck[] = [callCheck(f), calledNumberCheck(f, cause)];
  const forward = forwardCheck(f.called, f.cdr, cause, f.forwards);
  if (forward) checks.push(forward);
  // A number that does not exist has no phones to look at.
  if (f.calledConfigured) checks.push(registrationCheck(f, cause), busyCheck(f, cause));
  for (const check of [codecCheck(f, cause), mediaCheck(f, cause)]) if (check) checks.push(check);

  const specific = checks.filter((c) => c.id !== 'call' && c.status === 'problem');
  const explains = cause === null ? undefined : CAUSE_CHECK[cause];
  const firstProblem =
    specific.find((c) => c.id === explains) ??
    specific[0] ??
    checks.find((c) => c.id === 'call' && c.status === 'problem') ??
    null;
  const who = `${f.calling ? `${f.calling} → ` : ''}${f.called}`;
  let verdict: string;
  if (firstProblem) verdict = `${who}: ${firstProblem.detail}. ${firstProblem.fix ?? ''}`.trim();
  else if (f.cdr && cause !== null && !isFailure(cause))
    verdict = `${who}: the call did not fail${f.cdr.dateTimeConnect === 0 ? ' (the caller hung up before an answer)' : ''}; a call now would ring ${f.calledDevices.filter((d) => d.status === 'registered').length > 0 ? 'the registered phones' : 'nothing'}`;
  else verdict = `${who}: nothing stops a call now`;
  return {
    calling: f.calling,
    called: f.called,
    cdrId: f.cdr?.id ?? null,
    verdict,
    firstProblem,
    checks,
  };
}
