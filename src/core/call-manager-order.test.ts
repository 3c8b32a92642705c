import { describe, expect, it } from 'vitest';
import { chooseCallManagers } from './call-manager-order.js';

const up =
  (...names: string[]) =>
  (name: string) => ({ name, usable: names.includes(name) });

describe('call managers a configuration file lists', () => {
  it('lists the group members in priority order, whichever node renders', () => {
    expect(chooseCallManagers(['cm3', 'cm1', 'cm2'], up('cm1', 'cm2', 'cm3'), 'cm1')).toEqual({
      kind: 'members',
      names: ['cm3', 'cm1', 'cm2'],
      dropped: [],
    });
    expect(chooseCallManagers(['cm3', 'cm1', 'cm2'], up('cm1', 'cm2', 'cm3'), 'cm2').names).toEqual([
      'cm3',
      'cm1',
      'cm2',
    ]);
  });

  it('drops members that are not running, keeping the order of the rest', () => {
    expect(chooseCallManagers(['cm1', 'cm2', 'cm3'], up('cm1', 'cm3'), 'cm1')).toEqual({
      kind: 'members',
      names: ['cm1', 'cm3'],
      dropped: ['cm2'],
    });
  });

  it('falls back to the rendering node when no member runs', () => {
    expect(chooseCallManagers(['cm2', 'cm3'], up('cm1'), 'cm1')).toEqual({
      kind: 'fallback',
      names: ['cm1'],
      dropped: ['cm2', 'cm3'],
    });
    expect(chooseCallManagers([], up(), null)).toEqual({ kind: 'fallback', names: [], dropped: [] });
  });
});
