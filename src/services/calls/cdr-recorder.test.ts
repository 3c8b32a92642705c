import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { CallDetailRecord } from '../../core/call/cdr.js';
import { LiveEvents } from '../live-events.js';
import { CdrRecorder } from './cdr-recorder.js';

describe('CdrRecorder', () => {
  it('tells the live pages only once the record is stored, and survives a live listener that throws', async () => {
    const stored: unknown[] = [];
    let store: () => void = () => undefined;
    const lines: Array<{ msg: string }> = [];
    const logger = pino({ level: 'error' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    const live = new LiveEvents();
    const told: unknown[] = [];
    live.on('call-detail-record', (event) => {
      told.push(event);
      throw new Error('a broken page stream');
    });
    const recorder = new CdrRecorder({
      statusWriter: {
        cdr: (row) =>
          new Promise<void>((resolve) => {
            stored.push(row);
            store = resolve;
          }),
      },
      live,
      nodeName: 'cm1',
      logger,
    });
    recorder.write({ globalCallID_callId: 7 } as CallDetailRecord);
    await new Promise((r) => setImmediate(r));
    expect(stored).toHaveLength(1);
    expect(told).toHaveLength(0);
    store();
    await new Promise((r) => setImmediate(r));
    expect(told).toHaveLength(1);
    expect(lines.map((l) => l.msg).join()).toContain('stored but the live pages could not be told');
  });
});
