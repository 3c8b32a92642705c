import { describe, expect, it } from 'vitest';
import type { CallDetailRecord } from '../../core/call/cdr.js';
import { cdr } from '../../../test/support/cdrs.js';
import { TrunkCallRecords } from './trunk-call-records.js';

function recorder() {
  const written: CallDetailRecord[] = [];
  const records = new TrunkCallRecords();
  return { written, records, sink: records.sink({ write: (r) => written.push(r) }) };
}

describe('TrunkCallRecords', () => {
  it('names the device that answered on the other node in the calling node’s CDR', () => {
    const { written, records, sink } = recorder();
    records.answered(7, 'TRUNK_cm2', 'SEP000000000002');
    sink.write(cdr(7, 0, { origDeviceName: 'SEP000000000001', destDeviceName: 'TRUNK_cm2' }));
    expect(written.map((r) => r.destDeviceName)).toEqual(['SEP000000000002']);
  });

  it('keeps the trunk as destination of a call nobody answered (busy, node gone)', () => {
    const { written, sink } = recorder();
    sink.write(
      cdr(8, 0, { origDeviceName: 'SEP000000000001', destDeviceName: 'TRUNK_cm2', destCause_value: 27 }),
    );
    expect(written[0]).toMatchObject({ destDeviceName: 'TRUNK_cm2', destCause_value: 27 });
  });

  it('writes nothing for a call that came over the trunk: the calling node writes its record', () => {
    const { written, sink } = recorder();
    sink.write(cdr(9, 0, { origDeviceName: 'TRUNK_cm1', destDeviceName: 'SEP000000000002' }));
    expect(written).toEqual([]);
  });
});
