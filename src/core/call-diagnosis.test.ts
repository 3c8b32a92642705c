import { describe, expect, it } from 'vitest';
import { cdr } from '../../test/support/cdrs.js';
import type { CallDiagnosisFacts, CalledDevice } from './call-diagnosis.js';
import { diagnoseCall } from './call-diagnosis.js';

const registered: CalledDevice = {
  deviceName: 'SEP000000000002',
  status: 'registered',
  node: 'cm1',
  lastEvent: null,
  calls: 0,
  codecs: ['PCMU', 'PCMA'],
};

function facts(changes: Partial<CallDiagnosisFacts> = {}): CallDiagnosisFacts {
  return {
    calling: '1001',
    called: '1002',
    cdr: null,
    calledConfigured: true,
    calledDevices: [registered],
    maxCallsPerDevice: 4,
    media: null,
    ...changes,
  };
}

const unanswered = { dateTimeConnect: 0, duration: 0, origCause_value: 0 };
const recorded = (changes: Parameters<typeof cdr>[2]) => ({ ...cdr(7, 0, changes), id: 70, node: 'cm1' });

describe('why did this call fail?', () => {
  it('names a number no DN is, with where to add it', () => {
    const d = diagnoseCall(
      facts({
        called: '2999',
        calledConfigured: false,
        calledDevices: [],
        cdr: recorded({ ...unanswered, origCause_value: 1, originalCalledPartyNumber: '2999' }),
      }),
    );
    expect(d.firstProblem?.id).toBe('called-number');
    expect(d.verdict).toContain('no directory number 2999 is configured');
    expect(d.verdict).toContain('Device > Phone');
    expect(d.checks.map((c) => c.id)).toEqual(['call', 'called-number']);
    expect(d.cdrId).toBe(70);
  });

  it('names the called phones that are not registered, with their last registration event', () => {
    const d = diagnoseCall(
      facts({
        calledDevices: [
          {
            ...registered,
            status: 'unregistered',
            lastEvent: {
              at: '2026-12-05T10:00:00.000Z',
              deviceName: 'SEP000000000002',
              protocol: 'SCCP',
              address: '10.0.0.2',
              node: 'cm1',
              outcome: 'unregistered',
              reason: 'keepalive-timeout',
              message: 'missed its keepalives',
              remedy: 'check the network path',
            },
          },
        ],
      }),
    );
    expect(d.firstProblem?.id).toBe('registration');
    expect(d.firstProblem?.detail).toContain('no phone of DN 1002 is registered');
    expect(d.firstProblem?.detail).toContain('last registration event at 2026-12-05T10:00:00.000Z');
    expect(d.firstProblem?.fix).toContain("Why isn't this phone registering? for SEP000000000002");
  });

  it('explains busy by the call limit, and a phone calling itself', () => {
    const busy = recorded({ ...unanswered, destCause_value: 17 });
    const d = diagnoseCall(facts({ cdr: busy, calledDevices: [{ ...registered, calls: 4 }] }));
    expect(d.firstProblem?.id).toBe('busy');
    expect(d.firstProblem?.detail).toContain('(--call-max-per-device, 4)');
    expect(d.firstProblem?.detail).toContain('SEP000000000002 is in 4 calls');
    const self = diagnoseCall(facts({ called: '1001', cdr: busy }));
    expect(self.firstProblem?.detail).toContain('called its own number');
    // Every phone at its limit now: a call now would be busy, even with no call recorded.
    const now = diagnoseCall(facts({ calledDevices: [{ ...registered, calls: 4 }] }));
    expect(now.firstProblem?.detail).toContain('at its call limit now');
  });

  it('shows the codecs each side offered when they share none', () => {
    const d = diagnoseCall(
      facts({
        cdr: recorded({ ...unanswered, destCause_value: 65 }),
        media: [
          { deviceName: 'SEP000000000001', side: 'orig', codecs: ['PCMU', 'PCMA'], openUnanswered: false },
          { deviceName: 'SEP000000000002', side: 'dest', codecs: ['G729'], openUnanswered: false },
        ],
      }),
    );
    expect(d.firstProblem?.id).toBe('codec');
    expect(d.firstProblem?.detail).toContain(
      'SEP000000000001 offered G.711 µ-law, G.711 A-law; SEP000000000002 offered G.729',
    );
    expect(d.firstProblem?.fix).toContain('never transcodes');
  });

  it('names a phone that never answered OpenReceiveChannel', () => {
    const d = diagnoseCall(
      facts({
        cdr: recorded({}),
        media: [
          { deviceName: 'SEP000000000001', side: 'orig', codecs: ['PCMU'], openUnanswered: false },
          { deviceName: 'SEP000000000002', side: 'dest', codecs: ['PCMU'], openUnanswered: true },
        ],
      }),
    );
    expect(d.firstProblem?.id).toBe('media');
    expect(d.verdict).toContain('SEP000000000002 never answered OpenReceiveChannel');
  });

  it('finds nothing wrong with an answered call that ended normally', () => {
    const d = diagnoseCall(facts({ cdr: recorded({}) }));
    expect(d.firstProblem).toBeNull();
    expect(d.checks.find((c) => c.id === 'call')?.status).toBe('ok');
    expect(d.verdict).toBe('1001 → 1002: the call did not fail; a call now would ring the registered phones');
  });

  it('names the recorded cause when no check explains it (no answer)', () => {
    const d = diagnoseCall(facts({ cdr: recorded({ ...unanswered, destCause_value: 19 }) }));
    expect(d.firstProblem?.id).toBe('call');
    expect(d.verdict).toContain('cause 19 (no answer from user (user alerted))');
    expect(d.verdict).toContain('--call-ring-timeout-seconds');
  });
});
