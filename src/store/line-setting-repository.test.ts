import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { DATABASES, useTestStore } from '../../test/support/databases.js';
import { NO_DN_FEATURES } from '../core/line-settings.js';
import { StoredDnFeatures } from '../services/calls/stored-dn-features.js';
import { StoredForwardSettings } from '../services/calls/stored-forward-settings.js';
import { LiveEvents } from '../services/live-events.js';
import type { Store } from './store.js';

const now = new Date('2026-12-05T10:00:00Z');
const logger = pino({ level: 'silent' });

describe.each(DATABASES)('line settings on $flavor', ({ create, available }) => {
  let store: Store;

  useTestStore({ create, available }, async (opened) => {
    store = opened;
    await store.devices.reserveDns(['1001', '1002'], now);
    await store.devices.insert(
      {
        name: 'SEP000000000001',
        model: '7960',
        protocol: 'SCCP',
        description: 'Front desk',
        loadId: null,
        lines: [
          { index: 1, dn: '1001', displayName: 'Reception', label: 'Desk', maxCalls: 4, busyTrigger: 3 },
          { index: 2, dn: '1002' },
        ],
      },
      now,
    );
  });

  it('stores a line appearance’s settings with the line, defaults for those left out', async () => {
    const device = await store.devices.find('SEP000000000001');
    expect(device?.dnd).toBe(false);
    expect(device?.lines).toEqual([
      {
        index: 1,
        dn: '1001',
        displayName: 'Reception',
        label: 'Desk',
        maxCalls: 4,
        busyTrigger: 3,
        ...NO_DN_FEATURES,
      },
      { index: 2, dn: '1002', displayName: '', label: '', maxCalls: 2, busyTrigger: 2, ...NO_DN_FEATURES },
    ]);
    await store.deviceChanges.replaceLines('SEP000000000001', [
      { index: 1, dn: '1001', displayName: 'Lobby', maxCalls: 6, busyTrigger: 1 },
    ]);
    expect((await store.devices.find('SEP000000000001'))?.lines[0]).toMatchObject({
      displayName: 'Lobby',
      label: '',
      maxCalls: 6,
      busyTrigger: 1,
    });
  });

  it('stores a DN’s forwards and pickup group, and a device’s DND', async () => {
    expect(await store.lineSettings.setDnFeatures('1001', { forwardBusy: '2000', pickupGroup: '77' })).toBe(
      true,
    );
    expect(await store.lineSettings.setDnFeatures('1001', { forwardAll: '*3000' })).toBe(true);
    expect(await store.lineSettings.setDnFeatures('9999', { forwardAll: '1' })).toBe(false);
    expect(await store.lineSettings.allDnFeatures()).toEqual(
      new Map([
        ['1001', { forwardAll: '*3000', forwardBusy: '2000', forwardNoAnswer: null, pickupGroup: '77' }],
      ]),
    );
    expect((await store.devices.find('SEP000000000001'))?.lines[0]).toMatchObject({
      forwardAll: '*3000',
      pickupGroup: '77',
    });
    expect(await store.lineSettings.setDnd('SEP000000000001', true)).toBe(true);
    expect((await store.devices.find('SEP000000000001'))?.dnd).toBe(true);
  });

  it('stores a user’s Call Forward All from the phone with its audit entry, and routing sees it at once', async () => {
    const live = new LiveEvents();
    const features = new StoredDnFeatures({ load: () => store.lineSettings.allDnFeatures(), live, logger });
    await features.start();
    const forwards = new StoredForwardSettings({ store, features, clock: () => now, logger });
    await forwards.setForwardAll('1001', '2000', 'SEP000000000001');
    expect(features.featuresOf('1001').forwardAll).toBe('2000');
    expect(await store.lineSettings.forwardAllOf('1001')).toBe('2000');
    const [entry] = await store.audit.list({ target: 'directory-number', targetName: '1001', limit: 5 });
    expect(entry).toMatchObject({
      user: 'SEP000000000001',
      via: 'phone',
      changes: [{ field: 'forwardAll', old: null, new: '2000' }],
    });
    await forwards.setForwardAll('1001', null);
    expect(features.featuresOf('1001').forwardAll).toBeNull();
    await expect(forwards.setForwardAll('1001', '1001')).rejects.toThrow(/directory number itself/);
    await expect(forwards.setForwardAll('4444', '2000')).rejects.toThrow(/4444 does not exist/);
    await features.stop();
  });
});
