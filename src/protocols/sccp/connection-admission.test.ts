import { expect, it } from 'vitest';
import { ConnectionAdmission } from './connection-admission.js';

it('admits up to the total and the per-address limits, and again once connections close', () => {
  const admission = new ConnectionAdmission(3, 2);
  expect(admission.admit('10.0.0.1')).toBeNull();
  expect(admission.admit('10.0.0.1')).toBeNull();
  expect(admission.admit('10.0.0.1')).toEqual({ limit: 'sccpMaxConnectionsPerAddress', held: 2 });
  expect(admission.admit('10.0.0.2')).toBeNull();
  expect(admission.admit('10.0.0.3')).toEqual({ limit: 'sccpMaxConnections', held: 3 });
  admission.release('10.0.0.1');
  expect(admission.count).toBe(2);
  expect(admission.admit('10.0.0.3')).toBeNull();
  expect(admission.admit('10.0.0.1')).toEqual({ limit: 'sccpMaxConnections', held: 3 });
});

it('has no per-address limit at 0', () => {
  const admission = new ConnectionAdmission(1000, 0);
  for (let i = 0; i < 1000; i++) expect(admission.admit('10.0.0.1')).toBeNull();
  expect(admission.admit('10.0.0.1')?.limit).toBe('sccpMaxConnections');
});
