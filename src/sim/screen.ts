/** The phone's display as text: header with the time, the status line, the line keys. */
import type { PhoneStatus } from './phone.js';
import type { RtpStats } from './rtp.js';

const WIDTH = 44;

function pad(text: string): string {
  const t = text.length > WIDTH ? `${text.slice(0, WIDTH - 1)}…` : text;
  return `| ${t.padEnd(WIDTH)} |`;
}

function clock(status: PhoneStatus, now: number): string {
  const d = new Date(now + status.clockOffsetMs);
  const hh = String(d.getHours()).padStart(2, '0');
  const mm = String(d.getMinutes()).padStart(2, '0');
  const date = `${d.getMonth() + 1}/${d.getDate()}/${String(d.getFullYear()).slice(2)}`;
  return `${hh}:${mm} ${date}`;
}

/** Renders what the phone shows now (`now` = local Date.now()). */
export function renderScreen(status: PhoneStatus, now: number, lineButtons: number): string {
  const rule = `+${'-'.repeat(WIDTH + 2)}+`;
  const time = clock(status, now);
  const title = `Cisco ${status.model}  ${status.device}`;
  const rows = [rule, pad(`${title}${time.padStart(WIDTH - title.length)}`), rule];
  const via = status.server ? ` (${status.protocol} ${status.server})` : ` (${status.protocol})`;
  rows.push(pad(`${status.message}${status.state === 'registered' ? via : ''}`));
  if (status.notify) rows.push(pad(`» ${status.notify}`));
  if (status.forwardedTo) rows.push(pad(`Forwarded to ${status.forwardedTo}`));
  if (status.error && status.state !== 'failed') rows.push(pad(`! ${status.error}`));
  rows.push(pad(''));
  const buttons = Math.max(lineButtons, status.lines.length);
  for (let i = 1; i <= buttons; i++) {
    const line = status.lines.find((l) => l.index === i);
    rows.push(pad(`[${i}] ${line ? line.dn : ''}`));
  }
  for (const call of status.calls) {
    const who = call.remote ? `${call.remote.number} ${call.remote.name}`.trim() : '';
    rows.push(pad(`☎ ${call.state} ${who}`));
    if (call.media) {
      const from = call.media.receivedFrom.join(', ') || 'nobody';
      rows.push(pad(`  rtp sent ${call.media.sent} to ${call.media.sendingTo ?? '-'}`));
      rows.push(pad(`  rtp received ${call.media.received} from ${from}`));
      if (call.media.tonesHeard.length)
        rows.push(pad(`  tones heard ${call.media.tonesHeard.join(', ')} Hz`));
      const music = musicOnHold(call.media);
      if (music) rows.push(pad(`  ♪ music on hold from ${music}`));
    }
  }
  rows.push(pad(''), pad(`load ${status.load}`), rule);
  return rows.join('\n');
}

const PAYLOAD_NAMES: Record<number, string> = { 0: 'PCMU', 8: 'PCMA' };

/**
 * Music on hold arriving: the phone was told to send nothing (it is held) and RTP still comes in,
 * from the node (the only sender while a call is held). Its source and codec, or null.
 */
export function musicOnHold(media: RtpStats): string | null {
  if (media.sendingTo !== null) return null;
  const source = media.receivedFrom.at(-1);
  const seen = source ? media.sources[source] : undefined;
  if (!source || !seen) return null;
  return `${source} (${PAYLOAD_NAMES[seen.payloadType] ?? `PT ${seen.payloadType}`}, ${seen.packets} packets)`;
}
