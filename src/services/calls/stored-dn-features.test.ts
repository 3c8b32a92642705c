import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { DnFeatures } from '../../core/line-settings.js';
import { NO_DN_FEATURES } from '../../core/line-settings.js';
import { LiveEvents } from '../live-events.js';
import { StoredDnFeatures } from './stored-dn-features.js';

const logger = pino({ level: 'silent' });

describe('StoredDnFeatures (the call service’s DN features)', () => {
  it('answers from memory, rereads on a device change, and sees a change stored here at once', async () => {
    let stored = new Map<string, DnFeatures>([['1001', { ...NO_DN_FEATURES, forwardAll: '2000' }]]);
    const live = new LiveEvents();
    const features = new StoredDnFeatures({ load: async () => new Map(stored), live, logger });
    await features.start();
    expect(features.featuresOf('1001').forwardAll).toBe('2000');
    expect(features.featuresOf('1002')).toEqual(NO_DN_FEATURES);

    stored = new Map([['1002', { ...NO_DN_FEATURES, pickupGroup: '7' }]]);
    live.emit('configuration-changed', { what: 'device', name: 'SEP000000000001' });
    await features.settled();
    expect(features.featuresOf('1001')).toEqual(NO_DN_FEATURES);
    expect(features.featuresOf('1002').pickupGroup).toBe('7');

    features.stored('1002', { forwardAll: '3000' });
    expect(features.featuresOf('1002')).toEqual({ ...NO_DN_FEATURES, pickupGroup: '7', forwardAll: '3000' });
    await features.stop();
  });

  it('keeps what it had when a read fails', async () => {
    let fail = false;
    const live = new LiveEvents();
    const features = new StoredDnFeatures({
      load: async () => {
        if (fail) throw new Error('database gone');
        return new Map([['1001', { ...NO_DN_FEATURES, forwardBusy: '2000' }]]);
      },
      live,
      logger,
    });
    await features.start();
    fail = true;
    features.refresh();
    await features.settled();
    expect(features.featuresOf('1001').forwardBusy).toBe('2000');
    await features.stop();
  });
});
