import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { LimitLog } from './limit-log.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { lines, logger };
}

describe('LimitLog', () => {
  it('counts every refusal but logs a flood from one source once per interval, then says how many it skipped', () => {
    const { lines, logger } = capture();
    let now = 0;
    const log = new LimitLog(logger, () => now);
    for (let i = 0; i < 1000; i++)
      log.reached('sccpMaxConnectionsPerAddress', { address: '10.0.0.9' }, 'refused');
    expect(log.totals().get('sccpMaxConnectionsPerAddress')).toBe(1000);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      limit: 'sccpMaxConnectionsPerAddress',
      address: '10.0.0.9',
      msg: 'refused',
    });
    now = 10_001;
    log.reached('sccpMaxConnectionsPerAddress', { address: '10.0.0.9' }, 'refused');
    expect(lines).toHaveLength(2);
    expect(lines[1].msg).toContain('999 more refusals');
  });

  it('logs each source and each limit on its own line', () => {
    const { lines, logger } = capture();
    const log = new LimitLog(logger, () => 0);
    log.reached('sccpMaxConnectionsPerAddress', { address: '10.0.0.1' }, 'a');
    log.reached('sccpMaxConnectionsPerAddress', { address: '10.0.0.2' }, 'b');
    log.reached('tftpMaxTransfers', { address: '10.0.0.1' }, 'c');
    expect(lines.map((l) => l.msg)).toEqual(['a', 'b', 'c']);
  });
});
