import { describe, expect, it } from 'vitest';
import { devicePoolDeletionProblem, devicePoolProblem, poolReferenceProblem } from './device-pool.js';

describe('Device Pool rules', () => {
  it('needs a name of at most 50 characters and an existing group', () => {
    expect(devicePoolProblem({ name: 'East', description: '', cmGroup: 'G1' }, ['Default', 'G1'])).toBeNull();
    expect(devicePoolProblem({ name: '', description: '', cmGroup: 'G1' }, ['G1'])?.field).toBe('name');
    expect(devicePoolProblem({ name: 'p'.repeat(51), description: '', cmGroup: 'G1' }, ['G1'])?.field).toBe(
      'name',
    );
    expect(devicePoolProblem({ name: 'East', description: '', cmGroup: 'G9' }, ['Default'])).toMatchObject({
      field: 'cmGroup',
      message: expect.stringContaining('G9'),
    });
  });

  it('refuses to delete Default, a pool with phones (with their count) and a node’s auto-registration pool', () => {
    const none = { devices: 0, autoRegistrationNodes: [] };
    expect(devicePoolDeletionProblem('Default', none)?.message).toContain('cannot be deleted');
    expect(devicePoolDeletionProblem('East', { ...none, devices: 12 })?.message).toContain('12 phones');
    expect(devicePoolDeletionProblem('East', { ...none, autoRegistrationNodes: ['cm2'] })?.message).toContain(
      'cm2',
    );
    expect(devicePoolDeletionProblem('East', none)).toBeNull();
  });

  it('names the pools that exist when a phone is given one that does not', () => {
    expect(poolReferenceProblem('devicePool', 'Nowhere', ['Default', 'East'])).toMatchObject({
      field: 'devicePool',
      message: expect.stringContaining('pools: Default, East'),
    });
    expect(poolReferenceProblem('devicePool', 'East', ['Default', 'East'])).toBeNull();
  });
});
