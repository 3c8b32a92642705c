/**
 * The seven doors of a node the fuzzer knocks on: for each, how a case is made (the inputs sent on
 * one flow) and which driver carries it (UDP datagrams, a pipelined TCP connection, a WebSocket).
 */
import { SccpFrameReader } from '../../src/protocols/sccp/codec/index.js';
import type { AnswerCounter, Driver } from './delivery.js';
import { statusLineCounter } from './delivery.js';
import type { FuzzFixture } from './fuzz-fixture.js';
import { adminRequest, httpInput, provisioningRequest } from './http-inputs.js';
import type { HttpContext } from './http-inputs.js';
import type { NodeUnderTest } from './node-under-test.js';
import type { Random } from './random.js';
import { sccpCase } from './sccp-inputs.js';
import { freshenSip, sipInput } from './sip-inputs.js';
import type { SipContext, SipTransport } from './sip-inputs.js';
import { TcpDriver } from './tcp-driver.js';
import { tftpCase, transferReply } from './tftp-inputs.js';
import { UdpDriver } from './udp-driver.js';
import { WsDriver } from './ws-driver.js';

export const TARGET_NAMES = [
  'sip-udp',
  'sip-tcp',
  'sip-ws',
  'sccp',
  'tftp',
  'http-provisioning',
  'admin-http',
] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

export function isTargetName(name: string): name is TargetName {
  return (TARGET_NAMES as readonly string[]).includes(name);
}

export interface TargetEnvironment {
  node: NodeUnderTest;
  fixture: FuzzFixture;
  /** Where fuzzed traffic comes from: not the operator's address, so that throttles of the attacker spare the probes. */
  attackerAddresses: (string | undefined)[];
}

export interface Target {
  name: TargetName;
  /** One case: the inputs of one flow. */
  nextCase(rand: Random): Buffer[];
  /** The input made new again for a replay (fresh SIP branches), when sending it twice differs from once. */
  freshen?(input: Buffer, rand: Random): Buffer;
  /** A fresh driver (the reducer replays with one of its own). */
  driver(rand: Random): Driver;
}

/**
 * Connections open at once per target, and how long the node may stay silent on one before the
 * fuzzer moves on. The fuzzer must not open connections faster than the node accepts them: a
 * connection the client already gave up on still waits in the accept queue, and so would the
 * probes behind it (with 128 at once per target and 0.5 s, the queue reached its 511 and a probe
 * waited more than 15 s). A connection ends when the node has answered every input or closed it,
 * or after the idle time, so the rate follows the node's pace.
 */
const PARALLEL = 48;
const IDLE_MS = 1000;

/** Skinny frames received, counted with the codec's reader (a broken stream stops the count). */
function skinnyFrameCounter(): AnswerCounter {
  const reader = new SccpFrameReader({ maxFrameBytes: 1 << 20 });
  let broken = false;
  return (chunk, stats) => {
    if (broken) return 0;
    try {
      stats.answers += reader.push(chunk).length;
    } catch {
      broken = true;
    }
    return 0;
  };
}

function sipContext(env: TargetEnvironment, transport: SipTransport): SipContext {
  return {
    transport,
    host: env.node.host,
    port: env.node.ports.sip,
    localHost: env.attackerAddresses[0] ?? '127.0.0.1',
    configuredMacs: env.fixture.fuzzSipMacs,
  };
}

function httpContext(env: TargetEnvironment, port: number): HttpContext {
  return {
    authority: `${env.node.host}:${port}`,
    readOnlyKey: env.fixture.readOnlyKey,
    configuredNames: [
      ...env.fixture.fuzzSccpNames,
      ...env.fixture.fuzzSipMacs.map((m) => `SEP${m.toUpperCase()}`),
    ],
    nodeName: env.fixture.nodeName,
  };
}

function several<T>(rand: Random, max: number, make: () => T): T[] {
  return Array.from({ length: rand.range(1, max) }, make);
}

export function createTarget(name: TargetName, env: TargetEnvironment): Target {
  const { node } = env;
  const tcp = (port: number, counter: () => AnswerCounter, closeWhenAnswered: boolean) => () =>
    new TcpDriver({
      host: node.host,
      port,
      localAddresses: env.attackerAddresses,
      parallel: PARALLEL,
      idleMs: IDLE_MS,
      counter,
      closeWhenAnswered,
    });
  switch (name) {
    case 'sip-udp': {
      const ctx = sipContext(env, 'UDP');
      return {
        name,
        nextCase: (rand) => [sipInput(rand, ctx)],
        freshen: freshenSip,
        driver: () =>
          new UdpDriver({
            host: node.host,
            port: node.ports.sip,
            localAddresses: env.attackerAddresses,
            socketsPerAddress: 4,
          }),
      };
    }
    case 'sip-tcp': {
      const ctx = sipContext(env, 'TCP');
      return {
        name,
        nextCase: (rand) => several(rand, 6, () => sipInput(rand, ctx)),
        freshen: freshenSip,
        driver: tcp(node.ports.sip, statusLineCounter, true),
      };
    }
    case 'sip-ws': {
      const ctx = sipContext(env, 'WS');
      const url = `ws://${node.host}:${node.ports.http}/sip`;
      return {
        name,
        // A bad message does not end a WebSocket as it ends a TCP stream: more per connection.
        nextCase: (rand) => several(rand, 16, () => sipInput(rand, ctx)),
        freshen: freshenSip,
        driver: () =>
          new WsDriver({
            url,
            localAddresses: env.attackerAddresses,
            parallel: PARALLEL,
            idleMs: IDLE_MS,
            counter: statusLineCounter,
            closeWhenAnswered: true,
          }),
      };
    }
    case 'sccp': {
      const ctx = { configuredNames: env.fixture.fuzzSccpNames };
      return {
        name,
        nextCase: (rand) => sccpCase(rand, ctx),
        driver: tcp(node.ports.sccp, skinnyFrameCounter, false),
      };
    }
    case 'tftp': {
      const ctx = { configuredNames: env.fixture.fuzzSccpNames };
      return {
        name,
        nextCase: (rand) => tftpCase(rand, ctx),
        driver: (rand) =>
          new UdpDriver({
            host: node.host,
            port: node.ports.tftp,
            localAddresses: env.attackerAddresses,
            socketsPerAddress: 8,
            reply: (datagram) => transferReply(rand, datagram),
          }),
      };
    }
    case 'http-provisioning': {
      const ctx = httpContext(env, node.ports.provisioningHttp);
      return {
        name,
        nextCase: (rand) => several(rand, 4, () => httpInput(rand, provisioningRequest(rand, ctx))),
        driver: tcp(node.ports.provisioningHttp, statusLineCounter, true),
      };
    }
    case 'admin-http': {
      const ctx = httpContext(env, node.ports.http);
      return {
        name,
        nextCase: (rand) => several(rand, 4, () => httpInput(rand, adminRequest(rand, ctx))),
        driver: tcp(node.ports.http, statusLineCounter, true),
      };
    }
  }
}
