import { describe, expect, it } from 'vitest';
import type { CmGroup } from './cm-group.js';
import { autoRegistrationFlagProblem, cmGroupDeletionProblem, cmGroupProblem } from './cm-group.js';

const nodes = ['cm1', 'cm2', 'cm3', 'cm4'];
const group = (g: Partial<CmGroup>): CmGroup => ({
  name: 'G1',
  description: '',
  members: ['cm1'],
  autoRegistration: false,
  ...g,
});

describe('Cisco Unified CM Group rules', () => {
  it('accepts one to three known nodes in order', () => {
    expect(cmGroupProblem(group({ members: ['cm3', 'cm1', 'cm2'] }), nodes)).toBeNull();
  });

  it('refuses a fourth member, a node twice, an unknown node and no member, naming the field', () => {
    expect(cmGroupProblem(group({ members: ['cm1', 'cm2', 'cm3', 'cm4'] }), nodes)).toMatchObject({
      field: 'members',
      message: expect.stringContaining('at most 3'),
    });
    expect(cmGroupProblem(group({ members: ['cm1', 'cm2', 'cm1'] }), nodes)).toMatchObject({
      field: 'members.2',
      message: expect.stringContaining('twice'),
    });
    expect(cmGroupProblem(group({ members: ['cm9'] }), nodes)).toMatchObject({
      field: 'members.0',
      message: expect.stringContaining('known: cm1, cm2, cm3, cm4'),
    });
    expect(cmGroupProblem(group({ members: [] }), nodes)?.field).toBe('members');
  });

  it('refuses an empty name, one over 50 characters, and surrounding spaces', () => {
    expect(cmGroupProblem(group({ name: '' }), nodes)?.field).toBe('name');
    expect(cmGroupProblem(group({ name: 'x'.repeat(50) }), nodes)).toBeNull();
    expect(cmGroupProblem(group({ name: 'x'.repeat(51) }), nodes)?.message).toContain('at most 50');
    expect(cmGroupProblem(group({ name: ' G1' }), nodes)?.message).toContain('space');
  });

  it('keeps exactly one auto-registration group: the flag moves, it is never just taken off', () => {
    expect(
      autoRegistrationFlagProblem(group({ autoRegistration: true }), group({ autoRegistration: false })),
    )?.toMatchObject({ field: 'autoRegistration' });
    expect(autoRegistrationFlagProblem(group({}), group({ autoRegistration: true }))).toBeNull();
  });

  it('refuses to delete the Default group, the auto-registration group and a group pools use', () => {
    expect(cmGroupDeletionProblem(group({ name: 'Default' }), [])?.message).toContain('cannot be deleted');
    expect(cmGroupDeletionProblem(group({ autoRegistration: true }), [])?.field).toBe('autoRegistration');
    expect(cmGroupDeletionProblem(group({}), ['East', 'West'])?.message).toContain('East, West');
    expect(cmGroupDeletionProblem(group({}), [])).toBeNull();
  });
});
