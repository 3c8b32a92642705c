import type { LegCommand } from '../../core/call/call-command.js';
import type { Party } from '../../core/call/call.js';
import { Q850 } from '../../core/call/q850.js';
import type { LegEvent, LegHandle, LegSink } from '../../services/calls/call-ports.js';
import type { CallService } from '../../services/calls/call-service.js';
import type { SccpCallDevice, SccpCallEndpoint, SccpCalls } from './calls.js';
import { OFFERED_CALL_REFERENCE_BASE } from './calls.js';
import type { ForwardAllDeps } from './forward-all-requests.js';
import { answerForwardAll } from './forward-all-requests.js';

/** G.711 µ-law and A-law: what every 79xx receives (calls.md §1.3) until its CapabilitiesRes says more. */
const G711 = ['PCMU', 'PCMA'] as const;

interface AttachedPhone {
  deviceName: string;
  /** The session's legs by callReference. */
  legs: Map<number, LegHandle>;
}

/**
 * The SCCP side of the CallService (docs/calls.md, SCCP adapter): attaches each registered phone,
 * names its legs by callReference, and hands each leg command back to the phone's session (in
 * this process, or through the SCCP worker IPC: the endpoint hides which).
 */
export class SccpCallAdapter implements SccpCalls {
  private readonly phones = new Map<SccpCallEndpoint, AttachedPhone>();
  /** Which endpoint holds each device's registration now (a takeover replaces it). */
  private readonly byDevice = new Map<string, SccpCallEndpoint>();
  private nextOffered = OFFERED_CALL_REFERENCE_BASE;

  constructor(
    private readonly service: CallService,
    /** CFwdAll from the phones; without it the key does nothing. */
    private readonly forwards?: ForwardAllDeps,
  ) {}

  attach(endpoint: SccpCallEndpoint, device: SccpCallDevice): void {
    let phone = this.phones.get(endpoint);
    if (!phone) {
      phone = { deviceName: device.deviceName, legs: new Map() };
      this.phones.set(endpoint, phone);
    }
    const attached = phone;
    this.byDevice.set(device.deviceName, endpoint);
    this.showForwards(endpoint, device);
    this.service.attach({
      deviceName: device.deviceName,
      protocol: 'SCCP',
      address: device.address,
      codecs: device.codecs.length > 0 ? device.codecs : [...G711],
      solicitedMedia: true,
      openLeg: (leg, line) => {
        this.nextOffered =
          this.nextOffered >= 0xfffffff0 ? OFFERED_CALL_REFERENCE_BASE : this.nextOffered + 1;
        const callReference = this.nextOffered;
        attached.legs.set(callReference, leg);
        return this.sink(endpoint, attached, callReference, line);
      },
    });
  }

  detach(endpoint: SccpCallEndpoint): void {
    const phone = this.phones.get(endpoint);
    if (!phone) return;
    this.phones.delete(endpoint);
    // An older connection of a device that registered again elsewhere must not take the new one down.
    if (this.byDevice.get(phone.deviceName) !== endpoint) return;
    this.byDevice.delete(phone.deviceName);
    this.service.detach(phone.deviceName);
  }

  offHook(
    endpoint: SccpCallEndpoint,
    callReference: number,
    line: number,
    party: Party,
    placesCall = false,
  ): void {
    const phone = this.phones.get(endpoint);
    if (!phone || this.byDevice.get(phone.deviceName) !== endpoint) {
      endpoint.command(callReference, line, { kind: 'clear', cause: Q850.destinationOutOfOrder });
      return;
    }
    const result = this.service.offHook({
      deviceName: phone.deviceName,
      line,
      party,
      sink: this.sink(endpoint, phone, callReference, line),
      placesCall,
    });
    // 'answered': the phone's off-hook answered a call ringing on it; that leg answers to both names.
    if (result.kind !== 'refused') phone.legs.set(callReference, result.leg);
  }

  send(endpoint: SccpCallEndpoint, callReference: number, event: LegEvent): void {
    const leg = this.phones.get(endpoint)?.legs.get(callReference);
    if (leg) {
      this.service.send(leg, event);
      return;
    }
    // A call the node refused or already ended: hanging up puts the phone back on-hook.
    if (event.kind === 'hang-up')
      endpoint.command(callReference, 0, { kind: 'clear', cause: Q850.normalClearing });
  }

  forwardAll(endpoint: SccpCallEndpoint, line: number, dn: string, target: string | undefined): void {
    const phone = this.phones.get(endpoint);
    if (!phone || !this.forwards) return;
    void answerForwardAll(this.forwards, phone.deviceName, dn, target).then((reply) =>
      endpoint.forwardReply?.(line, reply),
    );
  }

  /** A line whose DN forwards all calls shows it from registration on ("Forwarded to …", the lamp). */
  private showForwards(endpoint: SccpCallEndpoint, device: SccpCallDevice): void {
    if (!this.forwards || !endpoint.forwardReply) return;
    for (const line of device.lines ?? []) {
      const forwardAll = this.forwards.features(line.dn).forwardAll;
      if (forwardAll) endpoint.forwardReply(line.index, { kind: 'status', forwardAll });
    }
  }

  transfer(endpoint: SccpCallEndpoint, heldReference: number, consultReference: number): void {
    const legs = this.phones.get(endpoint)?.legs;
    const held = legs?.get(heldReference);
    const consult = legs?.get(consultReference);
    if (held && consult) this.service.transfer(held, consult);
  }

  conference(endpoint: SccpCallEndpoint, heldReference: number, consultReference: number): void {
    const legs = this.phones.get(endpoint)?.legs;
    const held = legs?.get(heldReference);
    const consult = legs?.get(consultReference);
    // A refusal is logged by the service; the phone keeps its two calls as they were.
    if (held && consult) void this.service.conference(held, consult);
  }

  private sink(
    endpoint: SccpCallEndpoint,
    phone: AttachedPhone,
    callReference: number,
    line: number,
  ): LegSink {
    return {
      send: (command: LegCommand) => {
        if (command.kind === 'clear') phone.legs.delete(callReference);
        endpoint.command(callReference, line, command);
      },
    };
  }
}
