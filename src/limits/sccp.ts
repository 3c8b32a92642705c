import type { LimitSpec } from './limit.js';

/** Limits of the Skinny listener (TCP 2000) and its worker processes. */
export const sccpLimits = {
  sccpRegisterTimeoutSeconds: {
    default: 30,
    min: 1,
    max: 600,
    help: 'seconds a new SCCP connection has to send Register before it is closed',
  },
  sccpMaxConnections: {
    default: 60_000,
    min: 1,
    max: 1_000_000,
    help: 'SCCP connections the node holds at once in all its processes; fewer when the open-file limit allows fewer (the node says so when it starts)',
  },
  sccpMaxConnectionsPerAddress: {
    default: 1000,
    min: 0,
    max: 1_000_000,
    help: 'SCCP connections one source address may hold at once in each SCCP process (0: no limit)',
  },
  sccpMaxPendingFrames: {
    default: 64,
    min: 1,
    max: 100_000,
    help: 'Skinny frames queued per connection while its registration is being decided; more closes the connection',
  },
  sccpMaxQueuedBytes: {
    default: 256 * 1024,
    min: 4096,
    max: 64 * 1024 * 1024,
    help: 'bytes waiting to be sent to one phone that does not read; more closes the connection',
  },
  sccpMaxStandbyConnections: {
    default: 60_000,
    min: 0,
    max: 1_000_000,
    help: 'standby SCCP connections (phones registered elsewhere that keep this node as their backup, KeepAlive before Register) held at once in each SCCP process; one more is closed (0: none accepted)',
  },
  sccpMaxStandbyConnectionsPerAddress: {
    default: 1000,
    min: 0,
    max: 1_000_000,
    help: 'standby SCCP connections one source address may hold at once in each SCCP process (0: no limit)',
  },
  fallbackPace: {
    default: 50,
    min: 1,
    max: 100_000,
    help: 'SCCP phones per second the node lets come back from their backup (RegisterTokenAck); more are answered RegisterTokenReject with the seconds to wait, so that a returning node is not stormed',
  },
} satisfies Record<string, LimitSpec>;
