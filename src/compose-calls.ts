import type { Logger } from 'pino';
import type { Config } from './config.js';
import { AudioSourceStore } from './media/audio-source-store.js';
import { ConferenceBridge } from './media/conference-bridge.js';
import { MusicOnHoldAdmin } from './media/music-on-hold-admin.js';
import { MusicOnHoldEngine } from './media/music-on-hold-engine.js';
import { advertisedAddress } from './network.js';
import type { Clock } from './services/clock.js';
import { ActiveCalls } from './services/calls/active-calls.js';
import { CallService } from './services/calls/call-service.js';
import { ENCRYPTION_OFF, timerScheduler } from './services/calls/call-ports.js';
import { CdrRecorder } from './services/calls/cdr-recorder.js';
import { RegisteredLines } from './services/calls/registered-lines.js';
import { ClusterLocator } from './services/calls/cluster-locator.js';
import { TrunkCallRecords } from './services/calls/trunk-call-records.js';
import { StoredDialPlan } from './services/calls/stored-dial-plan.js';
import { StoredDnFeatures } from './services/calls/stored-dn-features.js';
import { StoredForwardSettings } from './services/calls/stored-forward-settings.js';
import type { ForwardSettings, MediaEncryptionPolicy } from './services/calls/call-ports.js';
import type { LimitReporter } from './services/limit-log.js';
import type { LiveEvents } from './services/live-events.js';
import type { RegisteredLinesFeed } from './services/registration-service.js';
import type { StatusWriter } from './services/status-writer.js';
import type { Store } from './store/store.js';

/** The call side of a node: the call service and what it routes by. */
export interface NodeCalls {
  service: CallService;
  /** The live calls as Monitoring > Active Calls shows them, and the media facts of recent ones. */
  active: ActiveCalls;
  /** Which registered devices hold which DN on this node (the service's DnLocator). */
  lines: RegisteredLines;
  /** Where each DN is across the cluster: this node's lines first, then other nodes' (the service's DnLocator). */
  locator: ClusterLocator;
  /** The one CDR of a call between nodes (the calling node's, naming the device that answered). */
  trunkRecords: TrunkCallRecords;
  dialPlan: StoredDialPlan;
  /** The DNs' call features (forwards, pickup groups) the service routes by. */
  dnFeatures: StoredDnFeatures;
  /** Where a user's Call Forward All from the phone is stored (the SCCP CFwdAll key). */
  forwards: ForwardSettings;
  /** What the registration service tells about registered devices' lines. */
  feed: RegisteredLinesFeed;
  /** Music on hold: the streamer held phones hear, and its audio source (Media Resources). */
  music: MusicOnHoldEngine;
  musicAdmin: MusicOnHoldAdmin;
  /** The ad hoc conference bridge (Confrn): it mixes in a worker thread. */
  bridge: ConferenceBridge;
  stop(): Promise<void>;
}

/**
 * Composes the call service of one node: the configured call limits, real timers, the node's
 * clock, the lines of the devices registered here, the dial plan from the stored DNs, and CDRs
 * written with the node's other batched writes.
 */
export async function composeCalls(deps: {
  config: Config;
  store: Store;
  statusWriter: StatusWriter;
  live: LiveEvents;
  clock: Clock;
  limits: LimitReporter;
  logger: Logger;
  /** Each device's media encryption policy; every device 'off' when absent. */
  encryption?: MediaEncryptionPolicy;
  /** globalCallID_callManagerId of this node's CDRs: its number in the nodes table. */
  callManagerId: number;
}): Promise<NodeCalls> {
  const { config, store, statusWriter, live, clock, limits, logger } = deps;
  const lines = new RegisteredLines(config.nodeName);
  const locator = new ClusterLocator(config.nodeName, lines);
  const trunkRecords = new TrunkCallRecords();
  const dialPlan = new StoredDialPlan({
    load: () => store.devices.allDirectoryNumbers(),
    live,
    logger,
  });
  await dialPlan.start();
  const dnFeatures = new StoredDnFeatures({
    load: () => store.lineSettings.allDnFeatures(),
    live,
    logger,
  });
  await dnFeatures.start();
  const forwards = new StoredForwardSettings({ store, features: dnFeatures, clock, logger });
  const active = new ActiveCalls({
    nodeName: config.nodeName,
    clock,
    publish: (change) => live.emit('active-call', change),
    // Building each change costs CPU per call (bench:calls); only open pages need them.
    listened: () => live.listenerCount('active-call') > 0,
  });
  const audioSources = new AudioSourceStore(config.dataDir, logger);
  const audio = await audioSources.load();
  const music = await MusicOnHoldEngine.start({
    bind: config.bind,
    address: advertisedAddress(config),
    port: config.mohRtpPort,
    maxStreams: config.mohMaxStreams,
    samples: audio.samples,
    limits,
    logger,
  });
  const musicAdmin = new MusicOnHoldAdmin(music, audioSources, audio.info, config.mohMaxStreams);
  const bridge = ConferenceBridge.start({
    bind: config.bind,
    address: advertisedAddress(config),
    maxConferences: config.conferenceMax,
    limits,
    logger,
  });
  const service = new CallService({
    clock,
    scheduler: timerScheduler,
    locator,
    dialPlan: () => dialPlan.view(),
    dnFeatures: (dn) => dnFeatures.featuresOf(dn),
    cdrs: trunkRecords.sink(new CdrRecorder({ statusWriter, live, nodeName: config.nodeName, logger })),
    limits,
    settings: config,
    callManagerId: deps.callManagerId,
    logger,
    watcher: active,
    music,
    conferences: { mixer: bridge, deviceName: 'CFB_1' },
    pickupCodes: { own: config.callPickupCode, group: config.groupCallPickupCode },
    // Phone Security Profiles will give each device its policy; until then every device is 'off'.
    encryption: deps.encryption ?? ENCRYPTION_OFF,
  });
  const feed: RegisteredLinesFeed = {
    registered(device) {
      lines.registered(device);
      dialPlan.learn(device.lines.map((line) => line.dn));
    },
    unregistered(deviceName) {
      lines.unregistered(deviceName);
    },
  };
  return {
    service,
    active,
    lines,
    locator,
    trunkRecords,
    dialPlan,
    dnFeatures,
    forwards,
    feed,
    music,
    musicAdmin,
    bridge,
    stop: async () => {
      await dialPlan.stop();
      await dnFeatures.stop();
      await music.close();
      await bridge.close();
    },
  };
}
