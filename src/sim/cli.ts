/**
 * `openucm sim`: one phone with its screen, or N phones with a live summary. A client of the
 * call manager's wire protocols only: it works against any call manager.
 */
import dns from 'node:dns/promises';
import net from 'node:net';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { sccpLimits } from '../limits/sccp.js';
import { Option } from 'commander';
import type { FleetStats } from './fleet.js';
import { callCapacityProblem, phonesPerSourceAddress, runFleet } from './fleet-runner.js';
import type { FleetCallSpec } from './fleet-calls.js';
import type { FleetRun } from './fleet-runner.js';
import { normalizeMac } from './mac.js';
import { Phone } from './phone.js';
import type { CallPlan, PhoneStatus, PhoneTiming } from './phone.js';
import type { CallManagerEntry } from './device-config.js';
import { finalReport, summaryLine } from './report.js';
import type { RunTimes } from './report.js';
import { renderScreen } from './screen.js';
import { LISTEN_TONES } from './rtp.js';
import { simModel, simModelNames } from './sim-models.js';

interface SimFlags {
  server: string;
  model: string;
  mac?: string;
  load?: string;
  tftp: boolean;
  tftpPort: string;
  sccpPort: string;
  sipPort: string;
  count?: string;
  macStart: string;
  rate: string;
  processes?: string;
  localAddress?: string;
  json?: boolean;
  duration?: string;
  untilRegistered?: boolean;
  call?: string;
  enbloc?: boolean;
  answer?: boolean;
  holdAfter?: string;
  toneHz?: string;
  forwardAll?: string;
  pickup?: boolean;
  groupPickup?: string;
  transferTo?: string;
  conferenceWith?: string;
  blind?: boolean;
  transferAfter?: string;
  callsPerSecond?: string;
  talkSeconds: string;
  callManagers?: string;
  standby: boolean;
  fallbackRetrySeconds?: string;
}

class UsageError extends Error {}

function int(value: string, flag: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`${flag} must be an integer from ${min} to ${max}, got "${value}"`);
  return n;
}

function num(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new UsageError(`${flag} must be a number ≥ 0, got "${value}"`);
  return n;
}

export function registerSimCommand(program: Command): void {
  program
    .command('sim')
    .description(
      'simulate Cisco 79xx phones: boot by TFTP, upgrade, register over SCCP or SIP (one phone, or --count N)',
    )
    .requiredOption('--server <host>', 'call manager / TFTP server address')
    .addOption(new Option('--model <model>', `phone model (${simModelNames().join(', ')})`).default('7940'))
    .option('--mac <mac>', 'MAC of the single phone (12 hex digits); default 0011223344AA')
    .option(
      '--load <load>',
      "load the phone runs at power-on (default: the model's last SCCP load, e.g. P00308010200)",
    )
    .option('--no-tftp', 'skip TFTP: register straight to --server on --sccp-port / --sip-port')
    .option('--tftp-port <port>', 'TFTP port of the server', '69')
    .option('--sccp-port <port>', 'SCCP port, when the configuration names none (or with --no-tftp)', '2000')
    .option('--sip-port <port>', 'SIP port, when the configuration names none (or with --no-tftp)', '5060')
    .option('--count <n>', 'run N phones with consecutive MACs and show a summary')
    .option('--mac-start <mac>', 'first MAC with --count', '001122000000')
    .option('--rate <r>', 'phones powered on per second with --count (0: all at once)', '200')
    .option('--processes <n>', 'worker processes with --count (default: one per 12,000 phones)')
    .option(
      '--local-address <ips>',
      'source address(es) of the phones, comma-separated (default: towards 127.0.0.0/8, 500 phones per loopback address)',
    )
    .option(
      '--call <dn>',
      'once registered, call DN: an SCCP phone dials key by key, a SIP phone sends the whole number (one phone)',
    )
    .option('--enbloc', 'with --call: dial the whole number at once (EnblocCall)')
    .option('--answer', 'answer calls that ring (one phone, SCCP or SIP)')
    .option(
      '--forward-all <dn>',
      'SCCP: once registered, set Call Forward All with the CFwdAll key to DN ("off" clears it)',
    )
    .option('--hold-after <s>', 'hold a connected call after S seconds, and resume it S seconds later')
    .option(
      '--tone-hz <f>',
      `send a sine of F Hz instead of silence; the screen lists which of ${LISTEN_TONES.join(', ')} Hz the phone hears`,
    )
    .option(
      '--pickup',
      'once registered, pick up a call ringing in the own pickup group (SCCP PickUp key, SIP *8)',
    )
    .option(
      '--group-pickup <n>',
      'once registered, pick up a call ringing in pickup group N (SCCP GPickUp key and N, SIP *9N)',
    )
    .option(
      '--transfer-to <dn>',
      'transfer the first connected call to DN once DN answers (SCCP: Transfer, dial, Transfer; SIP: hold, call DN, REFER with Replaces)',
    )
    .option(
      '--blind',
      'with --transfer-to: SCCP completes as soon as DN rings (early transfer); SIP sends REFER to DN at once',
    )
    .option(
      '--conference-with <dn>',
      'SCCP: make a three-party conference of the first connected call and DN (Confrn, dial, Confrn once DN answers)',
    )
    .option(
      '--transfer-after <s>',
      'with --transfer-to or --conference-with: talk S seconds before pressing Transfer or Confrn',
      '2',
    )
    .option(
      '--calls-per-second <r>',
      'with --count: once registered, the phones call each other in pairs (SCCP), R calls started per second across the fleet',
    )
    .option(
      '--talk-seconds <s>',
      'with --calls-per-second: seconds each call talks (RTP both ways) before the caller hangs up',
      '5',
    )
    .option(
      '--call-managers <list>',
      "the phones' call-manager group in priority order, host[:sccpPort] comma-separated, when their configuration names none (or with --no-tftp): SCCP phones keep a standby connection to the next one, fail over to it and fall back at the primary's pace; SIP phones register to the next when the first does not answer, and return",
    )
    .option(
      '--no-standby',
      'SCCP: keep no standby connection to the next call manager (fail over by connecting then)',
    )
    .option(
      '--fallback-retry-seconds <s>',
      'while on a backup call manager: seconds between tries of the primary (and before reopening a lost standby connection)',
      '30',
    )
    .option('--json', 'print each state change (one phone) or each summary (--count) as a JSON line')
    .option('--duration <s>', 'stop after S seconds and print the report')
    .option(
      '--until-registered',
      'stop as soon as every phone is registered (exit 1 if any was rejected or failed)',
    )
    .action(async (flags: SimFlags) => {
      try {
        process.exitCode = await runSim(flags);
      } catch (error) {
        if (error instanceof UsageError) {
          console.error(`openucm sim: ${error.message}`);
          process.exitCode = 2;
          return;
        }
        throw error;
      }
    });
}

async function resolveHost(host: string): Promise<string> {
  if (net.isIP(host)) return host;
  try {
    return (await dns.lookup(host, { family: 4 })).address;
  } catch {
    throw new UsageError(`cannot resolve --server ${host}`);
  }
}

/** `--call-managers host[:sccpPort],…`: the group in priority order (SIP uses --sip-port). */
async function parseCallManagers(
  list: string,
  sccpPort: number,
  sipPort: number,
): Promise<CallManagerEntry[]> {
  const entries = list
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  if (entries.length === 0) throw new UsageError('--call-managers names no call manager');
  return Promise.all(
    entries.map(async (entry, priority) => {
      const match = /^([^:]+)(?::(\d+))?$/.exec(entry);
      if (!match) throw new UsageError(`--call-managers: "${entry}" is not host or host:port`);
      const host = await resolveHost(match[1]);
      const port = match[2] ? int(match[2], '--call-managers port', 1, 65535) : sccpPort;
      return { host, sccpPort: port, sipPort, priority };
    }),
  );
}

/** What the phone does with calls (--call, --enbloc, --answer, --hold-after), if anything. */
function callPlan(flags: SimFlags): CallPlan | undefined {
  if (
    flags.call === undefined &&
    !flags.answer &&
    flags.holdAfter === undefined &&
    flags.toneHz === undefined &&
    flags.forwardAll === undefined &&
    !flags.pickup &&
    flags.groupPickup === undefined &&
    flags.transferTo === undefined &&
    flags.conferenceWith === undefined
  )
    return undefined;
  if (
    flags.forwardAll !== undefined &&
    flags.forwardAll !== 'off' &&
    !/^[0-9*]{1,24}$/.test(flags.forwardAll)
  )
    throw new UsageError(
      `--forward-all ${flags.forwardAll} is not a number to forward to (digits and *, at most 24) or "off"`,
    );
  if (flags.groupPickup !== undefined && !/^[0-9]{1,20}$/.test(flags.groupPickup))
    throw new UsageError(`--group-pickup ${flags.groupPickup} is not a pickup group number (digits)`);
  if (flags.transferTo !== undefined && !/^[0-9*#]{1,24}$/.test(flags.transferTo))
    throw new UsageError(
      `--transfer-to ${flags.transferTo} is not a number to dial (digits, * and #, at most 24)`,
    );
  if (flags.blind && flags.transferTo === undefined) throw new UsageError('--blind needs --transfer-to');
  if (flags.conferenceWith !== undefined && !/^[0-9*#]{1,24}$/.test(flags.conferenceWith))
    throw new UsageError(
      `--conference-with ${flags.conferenceWith} is not a number to dial (digits, * and #, at most 24)`,
    );
  if (flags.conferenceWith !== undefined && flags.transferTo !== undefined)
    throw new UsageError('--conference-with and --transfer-to each use the first connected call: give one');
  if (flags.call !== undefined && !/^[0-9*#]{1,24}$/.test(flags.call))
    throw new UsageError(`--call ${flags.call} is not a number to dial (digits, * and #, at most 24)`);
  if (flags.enbloc && flags.call === undefined) throw new UsageError('--enbloc needs --call');
  return {
    call: flags.call,
    enbloc: !!flags.enbloc,
    answer: !!flags.answer,
    holdAfterSeconds: flags.holdAfter !== undefined ? num(flags.holdAfter, '--hold-after') : undefined,
    toneHz: flags.toneHz !== undefined ? int(flags.toneHz, '--tone-hz', 100, 3900) : undefined,
    ...(flags.forwardAll === undefined
      ? {}
      : { forwardAll: flags.forwardAll === 'off' ? null : flags.forwardAll }),
    pickup: !!flags.pickup,
    groupPickup: flags.groupPickup,
    transfer:
      flags.conferenceWith !== undefined
        ? {
            to: flags.conferenceWith,
            blind: false,
            afterSeconds: num(flags.transferAfter ?? '2', '--transfer-after'),
            by: 'conference',
          }
        : flags.transferTo === undefined
          ? undefined
          : {
              to: flags.transferTo,
              blind: !!flags.blind,
              afterSeconds: num(flags.transferAfter ?? '2', '--transfer-after'),
            },
  };
}

async function runSim(flags: SimFlags): Promise<number> {
  const model = simModel(flags.model);
  if (!model)
    throw new UsageError(
      `--model ${flags.model} is not one the simulator plays (${simModelNames().join(', ')})`,
    );
  const host = await resolveHost(flags.server);
  const tftp = flags.tftp ? { host, port: int(flags.tftpPort, '--tftp-port', 1, 65535) } : null;
  const direct = {
    host,
    sccpPort: int(flags.sccpPort, '--sccp-port', 1, 65535),
    sipPort: int(flags.sipPort, '--sip-port', 1, 65535),
  };
  const localAddresses = flags.localAddress
    ? flags.localAddress
        .split(',')
        .map((a) => a.trim())
        .filter(Boolean)
    : [];
  for (const a of localAddresses)
    if (!net.isIP(a)) throw new UsageError(`--local-address ${a} is not an IP address`);
  const durationMs = flags.duration !== undefined ? num(flags.duration, '--duration') * 1000 : null;
  const calls = callPlan(flags);
  const callManagers = flags.callManagers
    ? await parseCallManagers(flags.callManagers, direct.sccpPort, direct.sipPort)
    : undefined;
  const timing = {
    standby: flags.standby !== false,
    fallbackRetryMs: num(flags.fallbackRetrySeconds ?? '30', '--fallback-retry-seconds') * 1000,
  };
  if (flags.count === undefined) {
    const mac = normalizeMac(flags.mac ?? '0011223344AA');
    if (!mac) throw new UsageError(`--mac ${flags.mac} is not 12 hex digits`);
    return runOne({
      mac,
      model: model.model,
      load: flags.load,
      tftp,
      direct,
      localAddress: localAddresses[0],
      json: !!flags.json,
      durationMs,
      untilRegistered: !!flags.untilRegistered,
      calls,
      callManagers,
      timing,
    });
  }
  if (calls) throw new UsageError('--call, --answer and --hold-after drive one phone: leave out --count');
  const count = int(flags.count, '--count', 1, 1_000_000);
  const fleetCalls = fleetCallSpec(flags, count);
  const processes = flags.processes !== undefined ? int(flags.processes, '--processes', 1, 64) : undefined;
  if (fleetCalls && processes !== undefined) {
    const problem = callCapacityProblem(count, processes);
    if (problem) throw new UsageError(problem);
  }
  const perAddress = phonesPerSourceAddress(count, localAddresses, host);
  const nodeLimit = sccpLimits.sccpMaxConnectionsPerAddress.default;
  if (perAddress > nodeLimit)
    console.error(
      `openucm sim: ${perAddress} phones per source address, but an openucm node holds at most ${nodeLimit} SCCP connections from one address by default (--sccp-max-connections-per-address): give --local-address several addresses`,
    );
  const macStart = normalizeMac(flags.macStart);
  if (!macStart) throw new UsageError(`--mac-start ${flags.macStart} is not 12 hex digits`);
  const run = runFleet(
    {
      macStart,
      count,
      model: model.model,
      load: flags.load,
      tftp,
      direct,
      rate: num(flags.rate, '--rate'),
      localAddresses,
      calls: fleetCalls,
      callManagers,
      timing,
    },
    { processes },
  );
  const what = `${count} × ${model.displayName} (${flags.load ?? model.factoryLoad}) against ${flags.server}`;
  return watchFleet(run, what, { json: !!flags.json, durationMs, untilRegistered: !!flags.untilRegistered });
}

/** The fleet's calls (--calls-per-second, --talk-seconds), if asked for. */
function fleetCallSpec(flags: SimFlags, count: number): FleetCallSpec | undefined {
  if (flags.callsPerSecond === undefined) return undefined;
  const callsPerSecond = num(flags.callsPerSecond, '--calls-per-second');
  const talkSeconds = num(flags.talkSeconds, '--talk-seconds');
  if (callsPerSecond <= 0) throw new UsageError('--calls-per-second must be more than 0');
  // One-way audio is judged at hang-up: both sides need a moment for their first packets.
  if (talkSeconds < 1)
    throw new UsageError(
      '--talk-seconds must be 1 or more: one-way audio is judged when the caller hangs up',
    );
  if (count < 2)
    throw new UsageError('--calls-per-second needs --count 2 or more: the phones call each other in pairs');
  // Each pair holds one call at a time: a rate the pairs cannot carry leaves calls unplaced.
  const perCall = talkSeconds + 1;
  const carried = Math.floor(count / 2) / perCall;
  if (callsPerSecond > carried)
    console.error(
      `openucm sim: ${Math.floor(count / 2)} pairs talking ${talkSeconds} s carry about ${carried.toFixed(1)} calls/s; calls due while every pair is busy are counted as not placed (raise --count or lower --talk-seconds)`,
    );
  return { callsPerSecond, talkSeconds };
}

async function runOne(o: {
  mac: string;
  model: string;
  load?: string;
  tftp: { host: string; port: number } | null;
  direct: { host: string; sccpPort: number; sipPort: number };
  localAddress?: string;
  json: boolean;
  durationMs: number | null;
  untilRegistered: boolean;
  calls?: CallPlan;
  callManagers?: CallManagerEntry[];
  timing: Partial<PhoneTiming>;
}): Promise<number> {
  const model = simModel(o.model)!;
  const phone = new Phone({
    callManagers: o.callManagers,
    timing: o.timing,
    mac: o.mac,
    model,
    load: o.load,
    tftp: o.tftp,
    direct: o.direct,
    localAddress: o.localAddress,
    calls: o.calls,
  });
  const tty = process.stdout.isTTY && !o.json;
  const show = (s: PhoneStatus) => {
    if (o.json) {
      process.stdout.write(`${JSON.stringify({ at: new Date().toISOString(), ...s })}\n`);
      return;
    }
    const screen = renderScreen(s, Date.now(), model.lineButtons);
    process.stdout.write(tty ? `\x1b[H\x1b[2J${screen}\n` : `${screen}\n`);
  };
  return new Promise((resolve) => {
    let finished = false;
    const finish = (code: number) => {
      if (finished) return;
      finished = true;
      clearInterval(clock);
      phone.stop();
      resolve(code);
    };
    phone.on('change', (s) => {
      if (s.state === 'stopped') return;
      show(s);
      if (o.untilRegistered && s.state === 'registered') finish(0);
      if (o.untilRegistered && s.state === 'rejected') finish(1);
    });
    // The clock on the screen moves.
    const clock = setInterval(() => tty && show(phone.snapshot), 30_000);
    if (o.durationMs !== null) setTimeout(() => finish(0), o.durationMs).unref();
    process.once('SIGINT', () => finish(0));
    process.once('SIGTERM', () => finish(0));
    phone.start();
  });
}

/** Live summary (progress bar on a terminal, a line every 5 s otherwise) and the final report. */
export async function watchFleet(
  run: FleetRun,
  what: string,
  o: { json: boolean; durationMs: number | null; untilRegistered: boolean },
): Promise<number> {
  const began = Date.now();
  let allRegisteredMs: number | null = null;
  let firstCallMs: number | null = null;
  let previous = { at: began, registrations: 0, keepalives: 0, placed: 0, connected: 0 };
  let rates = {
    registrationsPerSecond: 0,
    keepalivesPerSecond: 0,
    placedPerSecond: 0,
    connectedPerSecond: 0,
  };
  const times = (): RunTimes => ({ elapsedMs: Date.now() - began, allRegisteredMs, firstCallMs, ...rates });
  const tty = process.stderr.isTTY && !o.json;
  const bar = tty
    ? new cliProgress.SingleBar(
        {
          format: 'registered [{bar}] {value}/{total} | {summary}',
          hideCursor: true,
          clearOnComplete: false,
        },
        cliProgress.Presets.shades_classic,
      )
    : null;
  const total = run.stats().total;
  bar?.start(total, 0, { summary: '' });
  let lastPrint = 0;
  return new Promise((resolve) => {
    let finished = false;
    const finish = async () => {
      if (finished) return;
      finished = true;
      clearInterval(ticker);
      const stats = await run.stop();
      bar?.stop();
      const report = finalReport(stats, times(), what);
      if (o.json) process.stdout.write(`${JSON.stringify({ type: 'report', ...stats, ...times() })}\n`);
      else process.stdout.write(`${report}\n`);
      resolve(o.untilRegistered && (stats.byState.rejected > 0 || stats.byState.failed > 0) ? 1 : 0);
    };
    const ticker = setInterval(() => {
      const s: FleetStats = run.stats();
      const now = Date.now();
      const dt = (now - previous.at) / 1000;
      if (dt >= 1) {
        rates = {
          registrationsPerSecond: (s.registrations - previous.registrations) / dt,
          keepalivesPerSecond: (s.keepaliveAcks - previous.keepalives) / dt,
          placedPerSecond: (s.calls.placed - previous.placed) / dt,
          connectedPerSecond: (s.calls.connected - previous.connected) / dt,
        };
        previous = {
          at: now,
          registrations: s.registrations,
          keepalives: s.keepaliveAcks,
          placed: s.calls.placed,
          connected: s.calls.connected,
        };
      }
      if (firstCallMs === null && s.calls.placed > 0) firstCallMs = now - began;
      if (allRegisteredMs === null && s.byState.registered === s.total) allRegisteredMs = now - began;
      if (o.json) {
        if (now - lastPrint >= 1000) {
          lastPrint = now;
          process.stdout.write(`${JSON.stringify({ type: 'summary', ...s, ...times() })}\n`);
        }
      } else if (bar) {
        bar.update(s.byState.registered, { summary: summaryLine(s, times()) });
      } else if (now - lastPrint >= 5000) {
        lastPrint = now;
        process.stderr.write(`${summaryLine(s, times())}\n`);
      }
      if (o.untilRegistered && allRegisteredMs !== null) void finish();
      if (
        o.untilRegistered &&
        s.byState.rejected + s.byState.failed + s.byState.registered === s.total &&
        s.byState.registered < s.total
      )
        void finish();
    }, 250);
    if (o.durationMs !== null) setTimeout(() => void finish(), o.durationMs).unref();
    process.once('SIGINT', () => void finish());
    process.once('SIGTERM', () => void finish());
  });
}
