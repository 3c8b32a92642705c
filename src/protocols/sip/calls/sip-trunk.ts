/**
 * The intra-cluster SIP trunk (docs/cluster-calls.md): calls between the nodes of one cluster,
 * each node a B2BUA for its own phones. Towards another node, a call is a leg on that node's trunk
 * device: a UAC dialog to the node's announced SIP address, signed (X-Openucm-Auth) under the
 * cluster's shared key. From another node, a signed INVITE from a running node's address becomes a
 * call from its trunk device, which the call service routes to this node's own phones only.
 */
import type { Logger } from 'pino';
import type { Q850Cause } from '../../../core/call/q850.js';
import { Q850 } from '../../../core/call/q850.js';
import type { CallService } from '../../../services/calls/call-service.js';
import type { CallDevice, LegHandle, LegSink } from '../../../services/calls/call-ports.js';
import type { TrunkCallRecords } from '../../../services/calls/trunk-call-records.js';
import { trunkDeviceName } from '../../../services/calls/trunk-names.js';
import type { LimitReporter } from '../../../services/limit-log.js';
import {
  TRUNK_AUTH_HEADER,
  TRUNK_AUTH_WINDOW_MS,
  signTrunkRequest,
  verifyTrunkRequest,
} from '../../../services/cluster/trunk-auth.js';
import type { TrunkPeer, TrunkPeers } from '../../../services/cluster/trunk-peers.js';
import type { SipRequest } from '../message.js';
import type { ServerTransaction } from '../transaction/server-transactions.js';
import type { SipFlow } from '../transport/flow.js';
import { formatAddress, plainIp } from '../transport/flow.js';
import { uacDialog, uasDialog } from './dialog.js';
import type { LocalEndpoint } from './messages.js';
import { newTag, partyAddress } from './messages.js';
import { parseSdp } from './sdp.js';
import type { LegContext, TrunkHooks } from './sip-leg.js';
import { SipLeg, contactUri, warningFor } from './sip-leg.js';
import type { CallPort } from './call-port.js';

/** Names the calling node and its call on a trunk INVITE (logs, Active Calls of the called node). */
export const TRUNK_CALL_HEADER = 'X-Openucm-Call';
/** The device that answered on the called node, in its 200 OK (the calling node's CDR). */
export const TRUNK_DEST_HEADER = 'X-Openucm-Dest';

/** What the node gives the trunk (server.ts). */
export interface SipTrunkOptions {
  nodeName: string;
  /** trunkKey() of the cluster's secret key. */
  key: Buffer;
  peers: TrunkPeers;
  records: TrunkCallRecords;
  /** --trunk-max-calls: calls at once on the trunk to each other node, each way. */
  maxCalls: number;
  /** The address the other nodes reach this one at (its announced address). */
  host: string;
  /** The live calls, to name the device that answered a call from another node. */
  calls: Pick<CallService, 'call'>;
  now?: () => number;
}

export interface SipTrunkDeps extends SipTrunkOptions {
  service: CallPort;
  context: LegContext;
  /** A UDP flow from the node's SIP socket to `address:port`. */
  flowTo(address: string, port: number): SipFlow;
  /** The node's SIP (UDP) port. */
  localPort(): number;
  /** The adapter keeps the leg (by dialog, and by its INVITE when it is one of another node's). */
  adopt(leg: SipLeg, offerKey: string | null): void;
  legs(): Iterable<SipLeg>;
  /** Whether the node holds --sip-max-call-dialogs dialogs already (it logs and counts the refusal). */
  atDialogLimit(address: string, device: string): boolean;
  reply(
    request: SipRequest,
    tx: ServerTransaction,
    status: number,
    headers?: Array<[string, string]>,
    reason?: string,
  ): void;
  reporter: LimitReporter;
  logger: Logger;
  warnAgent: string;
}

/** An INVITE that says it comes over the trunk (signed or naming a node's call). */
export function isTrunkRequest(request: SipRequest): boolean {
  return request.header(TRUNK_AUTH_HEADER) !== undefined || request.header(TRUNK_CALL_HEADER) !== undefined;
}

/** Signed INVITEs remembered against replay (within the signature's window); beyond, the oldest go. */
const MAX_REMEMBERED_INVITES = 200_000;

export class SipTrunk {
  /** Trunk devices attached to the call service, by node. */
  private readonly attached = new Set<string>();
  /** Call-ID and From tag of each signed INVITE accepted within the window, with when: a second is a replay. */
  private readonly accepted = new Map<string, number>();

  constructor(private readonly deps: SipTrunkDeps) {
    deps.peers.onChange((peers) => this.peersChanged(peers));
    this.peersChanged(deps.peers.all());
  }

  /** A trunk INVITE (no To tag) from another node. */
  async invite(request: SipRequest, tx: ServerTransaction): Promise<void> {
    const { deps } = this;
    const address = plainIp(tx.flow.remoteAddress);
    const verdict = verifyTrunkRequest(
      deps.key,
      request.header(TRUNK_AUTH_HEADER),
      { callId: request.callId, cseq: request.cseq.seq, fromTag: request.from.tag ?? '' },
      this.now(),
    );
    let peer: TrunkPeer | undefined;
    if (verdict.ok) {
      peer = this.peerAt(address, verdict.node);
      if (!peer) {
        // A node that started a moment ago: read the nodes once more before refusing.
        await deps.peers.refresh();
        peer = this.peerAt(address, verdict.node);
      }
    }
    const replayed = verdict.ok && peer !== undefined && !this.firstTime(request);
    if (!verdict.ok || !peer || verdict.node === deps.nodeName || replayed) {
      const reason = !verdict.ok
        ? verdict.reason
        : verdict.node === deps.nodeName
          ? 'it names this node itself as the caller'
          : replayed
            ? 'a replay of an INVITE accepted before (same Call-ID and From tag)'
            : `${address} is not the address of running node ${verdict.node}`;
      deps.reporter.reached(
        'secretKeyFile',
        { address },
        `refused a trunk INVITE from ${formatAddress(address, tx.flow.remotePort)}: ${reason}. Only running nodes of this cluster, sharing its secret key file, may place calls between nodes`,
      );
      return deps.reply(request, tx, 403, [], 'Forbidden (not a node of this cluster)');
    }
    const deviceName = trunkDeviceName(peer.name);
    if (this.liveLegs(deviceName, 'uas') >= deps.maxCalls) {
      deps.reporter.reached(
        'trunkMaxCalls',
        { address, device: deviceName },
        `refused a call from node ${peer.name}: ${deps.maxCalls} calls from it are up already (--trunk-max-calls); raise it if both nodes have room for more`,
      );
      return deps.reply(request, tx, 503, [['Retry-After', '5']]);
    }
    if (deps.atDialogLimit(address, deviceName)) return deps.reply(request, tx, 503, [['Retry-After', '30']]);
    const body = request.body.toString('utf8');
    const sdp = body.length > 0 ? parseSdp(body) : null;
    if (sdp && !sdp.ok) return deps.reply(request, tx, sdp.status, [warningFor(sdp, deps.warnAgent)]);
    this.attach(peer.name);
    const leg = new SipLeg(
      deps.context,
      'uas',
      deviceName,
      tx.flow,
      this.local(),
      uasDialog({
        callId: request.callId,
        localTag: newTag(),
        remoteTag: request.from.tag ?? '',
        localUri: `<${request.to.uri}>`,
        remoteUri: `<${request.from.uri}>`,
        cseq: request.cseq.seq,
        remoteTarget: contactUri(request) ?? request.from.uri,
        recordRoute: request.headers('record-route'),
      }),
    );
    leg.trunk = this.calledHooks(leg);
    deps.adopt(leg, `${request.callId}\n${request.from.tag ?? ''}`);
    leg.offered(request, tx, sdp);
    const result = deps.service.offHook({
      deviceName,
      line: 1,
      party: { number: request.from.sipUri?.user ?? '', name: request.from.displayName ?? '' },
      sink: leg,
      placesCall: true,
    });
    if (result.kind !== 'calling') return;
    leg.handle = result.leg;
    if (sdp?.ok) deps.service.send(result.leg, { kind: 'media', media: sdp.sdp.media, offer: true });
    deps.logger.debug(
      { device: deviceName, call: request.header(TRUNK_CALL_HEADER), dn: request.requestUri?.user },
      `call from node ${peer.name} to ${request.requestUri?.user ?? ''}`,
    );
    deps.service.send(result.leg, { kind: 'digits', digits: request.requestUri?.user ?? '' });
  }

  /** The node stops: each call with another node ends there too (cause 27), before the socket closes. */
  shutdown(): void {
    for (const leg of [...this.deps.legs()])
      if (leg.trunk !== null) leg.send({ kind: 'clear', cause: Q850.destinationOutOfOrder });
  }

  /** The running nodes changed: a trunk device for each, and the calls on a node gone end (cause 27). */
  private peersChanged(peers: ReadonlyMap<string, TrunkPeer>): void {
    for (const node of [...this.attached]) if (!peers.has(node)) this.drop(node);
    for (const node of peers.keys()) this.attach(node);
  }

  private attach(node: string): void {
    if (this.attached.has(node)) return;
    this.attached.add(node);
    this.deps.service.attach(this.device(node));
  }

  private drop(node: string): void {
    const deviceName = trunkDeviceName(node);
    this.attached.delete(node);
    let calls = 0;
    for (const leg of [...this.deps.legs()])
      if (leg.deviceName === deviceName) {
        leg.send({ kind: 'clear', cause: Q850.destinationOutOfOrder });
        calls++;
      }
    this.deps.service.detach(deviceName);
    this.deps.logger.warn(
      { node, device: deviceName, calls },
      `node ${node} no longer runs: its ${calls} calls with this node ended (destination out of order, cause 27); calls to its phones fail until they register elsewhere`,
    );
  }

  private device(node: string): CallDevice {
    const peer = this.deps.peers.get(node);
    return {
      deviceName: trunkDeviceName(node),
      protocol: 'trunk',
      address: peer ? formatAddress(peer.address, peer.sipPort) : null,
      // The other node's SDP says what its phone receives, as a SIP phone's does.
      codecs: [],
      solicitedMedia: false,
      maxCalls: Number.MAX_SAFE_INTEGER,
      openLeg: (handle, line) => this.openLeg(node, handle, line),
    };
  }

  /** A call to a DN on node `node`: an INVITE to it (delayed offer, as to a SIP phone). */
  private openLeg(node: string, handle: LegHandle, _line: number): LegSink {
    const { deps } = this;
    const deviceName = trunkDeviceName(node);
    const peer = deps.peers.get(node);
    const dn = deps.calls.call(handle.callId)?.legs.find((leg) => leg.id === handle.legId)?.party.number;
    const failing = (cause: Q850Cause): LegSink => ({
      send: (command) => {
        if (command.kind === 'ring') deps.service.send(handle, { kind: 'unreachable', cause });
      },
    });
    if (!peer || dn === undefined) return failing(Q850.destinationOutOfOrder);
    if (this.liveLegs(deviceName, 'uac') >= deps.maxCalls) {
      deps.reporter.reached(
        'trunkMaxCalls',
        { device: deviceName },
        `a call to ${dn} on node ${node} was refused: ${deps.maxCalls} calls to that node are up already (--trunk-max-calls); raise it if both nodes have room for more`,
      );
      return failing(Q850.noCircuitAvailable);
    }
    const local = this.local();
    const target = `sip:${encodeURIComponent(dn)}@${formatAddress(peer.address, peer.sipPort)}`;
    const leg = new SipLeg(
      deps.context,
      'uac',
      deviceName,
      deps.flowTo(peer.address, peer.sipPort),
      local,
      uacDialog({
        callId: `${newTag()}${newTag()}@${local.host}`,
        localTag: newTag(),
        localUri: partyAddress({ number: 'openucm', name: '' }, local),
        remoteUri: `<${target}>`,
        cseq: 1,
        remoteTarget: target,
      }),
    );
    leg.handle = handle;
    leg.trunk = this.callingHooks(handle, deviceName);
    deps.adopt(leg, null);
    return leg;
  }

  /** Our INVITE is signed and names our call; the 200 names the device that answered there. */
  private callingHooks(handle: LegHandle, deviceName: string): TrunkHooks {
    const { deps } = this;
    return {
      inviteHeaders: (dialog) => [
        [
          TRUNK_AUTH_HEADER,
          signTrunkRequest(deps.key, {
            node: deps.nodeName,
            at: this.now(),
            callId: dialog.callId,
            cseq: dialog.localCseq,
            fromTag: dialog.localTag,
          }),
        ],
        [TRUNK_CALL_HEADER, `${deps.nodeName};call=${handle.callId};leg=${handle.legId}`],
      ],
      answerHeaders: () => [],
      answered: (response) => {
        const dest = response.header(TRUNK_DEST_HEADER)?.trim();
        if (dest) deps.records.answered(handle.callId, deviceName, dest);
      },
    };
  }

  /** Our 200 names this node's device that answered. */
  private calledHooks(leg: SipLeg): TrunkHooks {
    return {
      inviteHeaders: () => [],
      answered: () => undefined,
      answerHeaders: () => {
        const handle = leg.handle;
        const call = handle && this.deps.calls.call(handle.callId);
        const dest = call?.legs.find((l) => l.id !== handle?.legId && l.state === 'connected');
        return dest ? [[TRUNK_DEST_HEADER, dest.deviceName]] : [];
      },
    };
  }

  /** Records a signed INVITE's Call-ID and From tag; false when it was accepted before (a replay). */
  private firstTime(request: SipRequest): boolean {
    const key = `${request.callId}\n${request.from.tag ?? ''}`;
    if (this.accepted.has(key)) return false;
    const now = this.now();
    for (const [old, at] of this.accepted) {
      if (at >= now - TRUNK_AUTH_WINDOW_MS && this.accepted.size < MAX_REMEMBERED_INVITES) break;
      this.accepted.delete(old);
    }
    this.accepted.set(key, now);
    return true;
  }

  private peerAt(address: string, node: string): TrunkPeer | undefined {
    return this.deps.peers.atAddress(address).find((peer) => peer.name === node);
  }

  private liveLegs(deviceName: string, role: 'uac' | 'uas'): number {
    let n = 0;
    for (const leg of this.deps.legs()) if (leg.deviceName === deviceName && leg.role === role) n++;
    return n;
  }

  private local(): LocalEndpoint {
    return { host: this.deps.host, port: this.deps.localPort(), transport: 'UDP' };
  }

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }
}
