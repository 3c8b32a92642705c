import { describe, expect, it } from 'vitest';
import { CallDriver, rtp, sccpPhone, START, target } from '../../../test/support/call-driver.js';
import { callDetailRecord, cdrIpAddress } from './cdr.js';

const A = { ...sccpPhone('SEP000000000001', '1001'), address: '192.168.18.188' };
const B = { ...sccpPhone('SEP000000000002', '1002'), address: '10.1.2.3:2000' };
const startSeconds = START / 1000;

function dialB(driver: CallDriver): void {
  driver.send({ kind: 'off-hook' });
  driver.send({ kind: 'digits', digits: '1002' }, 2_500);
  driver.send({ kind: 'routed', targets: [target(2, B)] });
}

describe('Call Detail Record', () => {
  it('writes IPv4 addresses as CUCM does: reversed bytes read as a signed 32-bit integer', () => {
    expect(cdrIpAddress('192.168.18.188')).toBe(-1139627840);
    expect(cdrIpAddress('10.1.2.3:2000')).toBe(0x0302010a);
    expect(cdrIpAddress('::1')).toBe(0);
    expect(cdrIpAddress(null)).toBe(0);
  });

  it('records a call answered and hung up by the caller: times in epoch seconds, duration, causes, devices, media', () => {
    const driver = new CallDriver(A, 7, 1);
    dialB(driver);
    driver.send({ kind: 'answer', leg: 2 }, 4_000);
    driver.send({ kind: 'media', leg: 1, media: rtp('192.168.18.188', 20000), offer: false });
    driver.send({ kind: 'media', leg: 2, media: rtp('10.1.2.3', 30000), offer: false });
    driver.send({ kind: 'hang-up', leg: 1 }, 61_700);
    const cdr = callDetailRecord(driver.call, 1);
    expect(cdr).toMatchObject({
      cdrRecordType: 1,
      globalCallID_callManagerId: 1,
      globalCallID_callId: 7,
      origLegCallIdentifier: 1,
      destLegCallIdentifier: 2,
      dateTimeOrigination: startSeconds,
      dateTimeConnect: startSeconds + 6,
      dateTimeDisconnect: startSeconds + 68,
      duration: 62,
      callingPartyNumber: '1001',
      originalCalledPartyNumber: '1002',
      finalCalledPartyNumber: '1002',
      origCause_value: 16,
      destCause_value: 0,
      origDeviceName: 'SEP000000000001',
      destDeviceName: 'SEP000000000002',
      origIpAddr: -1139627840,
      destIpAddr: 0x0302010a,
      origMediaTransportAddress_IP: -1139627840,
      origMediaTransportAddress_Port: 20000,
      destMediaTransportAddress_Port: 30000,
      origMediaCap_payloadCapability: 4,
      origMediaCap_maxFramesPerPacket: 20,
      origPrecedenceLevel: 4,
      destPrecedenceLevel: 4,
    });
  });

  it('puts the cause on the side that cleared: the callee hanging up is a destCause', () => {
    const driver = new CallDriver(A);
    dialB(driver);
    driver.send({ kind: 'answer', leg: 2 });
    driver.send({ kind: 'hang-up', leg: 2 }, 5_000);
    const cdr = callDetailRecord(driver.call, 1);
    expect([cdr.origCause_value, cdr.destCause_value]).toEqual([0, 16]);
  });

  it('records a busy callee as destCause 17 with no connect time and no duration', () => {
    const driver = new CallDriver(A);
    dialB(driver);
    driver.send({ kind: 'busy', leg: 2 });
    driver.send({ kind: 'hang-up', leg: 1 }, 3_000);
    const cdr = callDetailRecord(driver.call, 1);
    expect(cdr).toMatchObject({ origCause_value: 0, destCause_value: 17, dateTimeConnect: 0, duration: 0 });
    expect(cdr.destDeviceName).toBe('SEP000000000002');
    expect(cdr.origMediaCap_payloadCapability).toBe(0);
  });

  it('records an unallocated number as origCause 1 with what was dialled and no destination', () => {
    const driver = new CallDriver(A);
    driver.send({ kind: 'off-hook' });
    for (const digit of '10#') driver.send({ kind: 'digit', digit });
    driver.send({ kind: 'hang-up', leg: 1 });
    const cdr = callDetailRecord(driver.call, 1);
    expect(cdr).toMatchObject({
      origCause_value: 1,
      destCause_value: 0,
      originalCalledPartyNumber: '10#',
      destLegCallIdentifier: 0,
      destDeviceName: '',
    });
  });

  it('records an abandoned off-hook as origCause 16 with nothing called', () => {
    const driver = new CallDriver(A);
    driver.send({ kind: 'off-hook' });
    driver.send({ kind: 'hang-up', leg: 1 }, 1_000);
    expect(callDetailRecord(driver.call, 1)).toMatchObject({
      origCause_value: 16,
      originalCalledPartyNumber: '',
      finalCalledPartyNumber: '',
      duration: 0,
    });
  });
});
