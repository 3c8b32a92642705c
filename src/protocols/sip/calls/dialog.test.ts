import { describe, expect, it } from 'vitest';
import { transition, uacDialog, uasDialog } from './dialog.js';

const uac = uacDialog({
  callId: 'c1',
  localTag: 'l1',
  localUri: '<sip:1001@node>',
  remoteUri: '<sip:1002@node>',
  cseq: 1,
  remoteTarget: 'sip:1002@10.0.0.2:5060',
});

describe('dialog transition', () => {
  it('takes the tag of the first provisional and the target and reversed route set of the 2xx (UAC)', () => {
    let d = transition(uac, { kind: 'early', remoteTag: 'r1' }).dialog;
    expect(d).toMatchObject({ state: 'early', remoteTag: 'r1' });
    d = transition(d, {
      kind: 'confirmed',
      remoteTag: 'r1',
      remoteTarget: 'sip:1002@10.0.0.2:5062',
      recordRoute: ['<sip:p1;lr>', '<sip:p2;lr>'],
    }).dialog;
    expect(d).toMatchObject({
      state: 'confirmed',
      remoteTarget: 'sip:1002@10.0.0.2:5062',
      routeSet: ['<sip:p2;lr>', '<sip:p1;lr>'],
    });
    expect(transition(d, { kind: 'request-sent' }).dialog.localCseq).toBe(2);
  });

  it('refuses a request from the phone whose CSeq is not higher (RFC 3261 §12.2.2) and takes a new target', () => {
    const uas = uasDialog({
      callId: 'c2',
      localTag: 'l2',
      remoteTag: 'r2',
      localUri: '<sip:1002@node>',
      remoteUri: '<sip:1001@node>',
      cseq: 5,
      remoteTarget: 'sip:1001@10.0.0.1',
      recordRoute: [],
    });
    expect(transition(uas, { kind: 'request-received', cseq: 5 }).verdict).toBe('out-of-order');
    const next = transition(uas, { kind: 'request-received', cseq: 6, remoteTarget: 'sip:1001@10.0.0.9' });
    expect(next).toMatchObject({
      verdict: 'ok',
      dialog: { remoteCseq: 6, remoteTarget: 'sip:1001@10.0.0.9' },
    });
  });

  it('stays terminated: later requests are out of order, nothing reopens it', () => {
    const ended = transition(uac, { kind: 'terminated' }).dialog;
    expect(transition(ended, { kind: 'confirmed', remoteTag: 'x' }).dialog.state).toBe('terminated');
    expect(transition(ended, { kind: 'request-received', cseq: 9 }).verdict).toBe('out-of-order');
  });
});
