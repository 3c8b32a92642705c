import { expect, it } from 'vitest';
import { AddressSlots } from './address-slots.js';

const sccp = (total: number, perAddress: number) =>
  new AddressSlots({
    total: { max: total, limit: 'sccpMaxConnections' },
    perAddress: { max: perAddress, limit: 'sccpMaxConnectionsPerAddress' },
  });

it('takes up to the total and the per-address limits, and again once slots are given back', () => {
  const slots = sccp(3, 2);
  expect(slots.take('10.0.0.1')).toBeNull();
  expect(slots.take('10.0.0.1')).toBeNull();
  expect(slots.take('10.0.0.1')).toBe('sccpMaxConnectionsPerAddress');
  expect(slots.heldBy('10.0.0.1')).toBe(2);
  expect(slots.take('10.0.0.2')).toBeNull();
  expect(slots.take('10.0.0.3')).toBe('sccpMaxConnections');
  slots.release('10.0.0.1');
  expect(slots.held).toBe(2);
  expect(slots.take('10.0.0.3')).toBeNull();
  expect(slots.take('10.0.0.1')).toBe('sccpMaxConnections');
});

it("names the address's own limit when both are reached", () => {
  const slots = sccp(2, 2);
  slots.take('10.0.0.1');
  slots.take('10.0.0.1');
  expect(slots.refusal('10.0.0.1')).toBe('sccpMaxConnectionsPerAddress');
  expect(slots.refusal('10.0.0.2')).toBe('sccpMaxConnections');
  expect(slots.held).toBe(2);
});

it('has no per-address limit at 0, and no total without one', () => {
  const slots = sccp(1000, 0);
  for (let i = 0; i < 1000; i++) expect(slots.take('10.0.0.1')).toBeNull();
  expect(slots.take('10.0.0.1')).toBe('sccpMaxConnections');
  const open = new AddressSlots({ perAddress: { max: 2, limit: 'sipMaxConnectionsPerAddress' } });
  for (let i = 0; i < 5000; i++) expect(open.take(`10.0.${i >> 8}.${i & 255}`)).toBeNull();
});

it('ignores a release for an address that holds nothing', () => {
  const slots = sccp(3, 2);
  slots.release('10.0.0.9');
  expect(slots.held).toBe(0);
});
