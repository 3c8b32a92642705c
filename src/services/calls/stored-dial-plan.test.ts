import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { LiveEvents } from '../live-events.js';
import { StoredDialPlan } from './stored-dial-plan.js';

/** A store whose DNs the test sets, counting the reads; `fail` makes the next read fail. */
function storedDns(initial: string[]) {
  const state = { dns: initial, reads: 0, fail: false };
  const load = async () => {
    state.reads++;
    if (state.fail) throw new Error('connection refused');
    return [...state.dns];
  };
  return { state, load };
}

describe('StoredDialPlan', () => {
  it('reads the stored DNs at start and again when this node changes a device', async () => {
    const { state, load } = storedDns(['1001']);
    const live = new LiveEvents();
    const plan = new StoredDialPlan({ load, live, logger: pino({ level: 'silent' }) });
    await plan.start();
    expect(plan.view().isDirectoryNumber('1001')).toBe(true);
    state.dns = ['1001', '1002'];
    live.emit('configuration-changed', { what: 'enterprise-parameters', name: '' });
    await plan.settled();
    expect(plan.view().isDirectoryNumber('1002')).toBe(false);
    live.emit('configuration-changed', { what: 'device', name: 'SEP000000000002' });
    await plan.settled();
    expect(plan.view().isDirectoryNumber('1002')).toBe(true);
    await plan.stop();
  });

  it('adds a DN a registered device holds without a read, and keeps the DNs it had when a read fails', async () => {
    const { state, load } = storedDns(['1001']);
    const plan = new StoredDialPlan({ load, live: new LiveEvents(), logger: pino({ level: 'silent' }) });
    await plan.start();
    plan.learn(['1001', '1003']);
    await plan.settled();
    expect(state.reads).toBe(1);
    expect(plan.view().isDirectoryNumber('1003')).toBe(true);
    expect(plan.view().hasLongerThan('100')).toBe(true);
    state.fail = true;
    plan.refresh();
    await plan.settled();
    expect(state.reads).toBe(2);
    expect(plan.view().isDirectoryNumber('1001')).toBe(true);
    expect(plan.view().isDirectoryNumber('1003')).toBe(true);
    await plan.stop();
  });

  it('keeps a DN learnt while a read that began before it was stored is under way', async () => {
    const { state, load } = storedDns(['1001']);
    const plan = new StoredDialPlan({ load, live: new LiveEvents(), logger: pino({ level: 'silent' }) });
    await plan.start();
    plan.refresh();
    plan.learn(['1004']);
    await plan.settled();
    expect(state.reads).toBe(2);
    expect(plan.view().isDirectoryNumber('1004')).toBe(true);
    await plan.stop();
  });

  it('folds the changes made during a read into one more read', async () => {
    const { state, load } = storedDns(['1001']);
    const plan = new StoredDialPlan({ load, live: new LiveEvents(), logger: pino({ level: 'silent' }) });
    await plan.start();
    plan.refresh();
    plan.refresh();
    plan.refresh();
    await plan.settled();
    expect(state.reads).toBe(3);
    await plan.stop();
  });
});
