import { describe, expect, it } from 'vitest';
import { messageName, MessageId } from './message-id.js';

describe('message ids', () => {
  it('names ids for logs', () => {
    expect(messageName(MessageId.Register)).toBe('Register');
    expect(messageName(0x0114)).toBe('DisplayNotify');
    expect(messageName(0x1234)).toBe('Unknown(0x1234)');
    expect(messageName(0xab)).toBe('Unknown(0x00AB)');
  });

  it('has one name per id', () => {
    const ids = Object.values(MessageId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('matches the reference §2 numbers', () => {
    expect(MessageId).toMatchObject({
      KeepAlive: 0x0000,
      Register: 0x0001,
      CapabilitiesRes: 0x0010,
      Unregister: 0x0027,
      RegisterAvailableLines: 0x002d,
      RegisterAck: 0x0081,
      ButtonTemplate: 0x0097,
      RegisterReject: 0x009d,
      Reset: 0x009f,
      KeepAliveAck: 0x0100,
      SoftKeyTemplateRes: 0x0108,
      SoftKeySetRes: 0x0109,
      UnregisterAck: 0x0118,
      FeatureStat: 0x011f,
      ClearPriNotify: 0x0121,
    });
  });
});
