import { describe, expect, it } from 'vitest';
import { checkMaxBlockSize, negotiateReadOptions, optionsForLog } from './options.js';

const opts = (...pairs: Array<[string, string]>): Map<string, string> => new Map(pairs);

describe('negotiateReadOptions', () => {
  it('sends no OACK when the client asked for nothing, or only for unknown options', () => {
    expect(negotiateReadOptions(opts(), 100)).toEqual({ blockSize: 512, timeoutMs: null, oack: null });
    expect(negotiateReadOptions(opts(['windowsize', '8'], ['multicast', '']), 100)).toEqual({
      blockSize: 512,
      timeoutMs: null,
      oack: null,
    });
  });

  it('grants blksize up to the cap (1468 by default) and never more than asked', () => {
    expect(negotiateReadOptions(opts(['blksize', '1428']), 1).blockSize).toBe(1428);
    expect(negotiateReadOptions(opts(['blksize', '8']), 1).blockSize).toBe(8);
    const big = negotiateReadOptions(opts(['blksize', '65464']), 1);
    expect(big.blockSize).toBe(1468);
    expect(big.oack).toEqual(opts(['blksize', '1468']));
    expect(negotiateReadOptions(opts(['blksize', '9000']), 1, 8192).blockSize).toBe(8192);
    expect(negotiateReadOptions(opts(['blksize', '70000']), 1, 65464).blockSize).toBe(65464);
  });

  it('ignores blksize values outside RFC 2348 or not a decimal number', () => {
    for (const value of ['7', '0', '-1', 'abc', '', '1e3', '0x400', '12.5']) {
      expect(negotiateReadOptions(opts(['blksize', value]), 1), value).toEqual({
        blockSize: 512,
        timeoutMs: null,
        oack: null,
      });
    }
  });

  it('answers tsize with the real size whatever the client sent', () => {
    expect(negotiateReadOptions(opts(['tsize', '0']), 3_000_000).oack).toEqual(opts(['tsize', '3000000']));
    expect(negotiateReadOptions(opts(['tsize', '17']), 0).oack).toEqual(opts(['tsize', '0']));
    expect(negotiateReadOptions(opts(['tsize', 'x']), 5).oack).toBeNull();
  });

  it('echoes timeout in 1..255 s and uses it, ignores anything else', () => {
    const granted = negotiateReadOptions(opts(['timeout', '6']), 1);
    expect(granted.timeoutMs).toBe(6000);
    expect(granted.oack).toEqual(opts(['timeout', '6']));
    expect(negotiateReadOptions(opts(['timeout', '1']), 1).timeoutMs).toBe(1000);
    expect(negotiateReadOptions(opts(['timeout', '255']), 1).timeoutMs).toBe(255_000);
    for (const value of ['0', '256', 'soon']) {
      expect(negotiateReadOptions(opts(['timeout', value]), 1).oack, value).toBeNull();
    }
  });

  it('leaves out a timeout above the limit (RFC 2349 allows no counter-offer) and says so', () => {
    const refused = negotiateReadOptions(opts(['timeout', '255'], ['tsize', '0']), 7, 1468, 5);
    expect(refused).toEqual({
      blockSize: 512,
      timeoutMs: null,
      oack: opts(['tsize', '7']),
      refusedTimeoutSeconds: 255,
    });
    expect(negotiateReadOptions(opts(['timeout', '5']), 7, 1468, 5)).toEqual({
      blockSize: 512,
      timeoutMs: 5000,
      oack: opts(['timeout', '5']),
    });
  });

  it('logs the first options only, cut short', () => {
    const many = new Map(
      Array.from({ length: 20 }, (_, i) => [`o${i}`, 'v'.repeat(100)] as [string, string]),
    );
    const shown = optionsForLog(many);
    expect(Object.keys(shown)).toHaveLength(9);
    expect(shown.o0).toBe('v'.repeat(32));
    expect(shown['…']).toBe('12 more');
  });

  it('acknowledges only accepted options, in the client order (curl: tsize, blksize, timeout)', () => {
    const result = negotiateReadOptions(
      opts(['tsize', '0'], ['windowsize', '4'], ['blksize', '1428'], ['timeout', '0']),
      42,
    );
    expect([...(result.oack ?? new Map())]).toEqual([
      ['tsize', '42'],
      ['blksize', '1428'],
    ]);
  });
});

describe('checkMaxBlockSize', () => {
  it('accepts 8..65464 and explains anything else', () => {
    expect(checkMaxBlockSize(8)).toBe(8);
    expect(checkMaxBlockSize(65464)).toBe(65464);
    expect(() => checkMaxBlockSize(7)).toThrow(/8 to 65464 \(RFC 2348\), got 7/);
    expect(() => checkMaxBlockSize(65465)).toThrow(RangeError);
    expect(() => checkMaxBlockSize(1000.5)).toThrow(RangeError);
  });
});
