import { expect, it } from 'vitest';
import type { PhoneCall } from './leg-renderer.js';
import { CALL_WAITING_TONE, renderLegCommand } from './leg-renderer.js';

const own = { number: '1002', name: 'Desk' };
const waitingCall: PhoneCall = {
  callReference: 0x40000002,
  line: 1,
  state: 'offered',
  inbound: true,
  media: { receive: 'closed', transmitting: false },
  remote: null,
};

it('renders a waiting call as flash only (no ring) and the call waiting tone on the call the user talks on', () => {
  const caller = { number: '1003', name: 'Lobby' };
  const messages = renderLegCommand(
    { ...waitingCall },
    { kind: 'ring', caller, called: own, waiting: true },
    { own, v17: false, lineBusyElsewhere: true, activeCall: { line: 1, callReference: 5 } },
  );
  expect(messages).toContainEqual(expect.objectContaining({ type: 'SetRinger', ringMode: 5 }));
  expect(messages).toContainEqual(
    expect.objectContaining({
      type: 'StartTone',
      tone: CALL_WAITING_TONE,
      callReference: 5,
      lineInstance: 1,
    }),
  );
  expect(messages).toContainEqual(expect.objectContaining({ type: 'SelectSoftKeys', softKeySetIndex: 3 }));
  expect(CALL_WAITING_TONE).toBe(0x2d);
});

it('shows the Call Waiting prompt (label 0x1B)', () => {
  const [prompt] = renderLegCommand(
    { ...waitingCall },
    { kind: 'prompt', prompt: 'call-waiting' },
    { own, v17: false, lineBusyElsewhere: true },
  );
  expect(prompt).toMatchObject({ type: 'DisplayPromptStatus', promptStatus: '\x80\x1b' });
});
