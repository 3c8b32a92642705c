import { describe, expect, it } from 'vitest';
import { auditSummary, fieldChanges } from './audit-diff.js';

describe('audit field changes', () => {
  it('lists only the changed fields of nested objects, by dotted path', () => {
    const changes = fieldChanges(
      { name: 'cm1', autoRegistration: { enabled: true, startingDn: '1000', endingDn: '1999' } },
      { name: 'cm1', autoRegistration: { enabled: false, startingDn: '1000', endingDn: '2999' } },
    );
    expect(changes).toEqual([
      { field: 'autoRegistration.enabled', old: true, new: false },
      { field: 'autoRegistration.endingDn', old: '1999', new: '2999' },
    ]);
    expect(auditSummary('update', 'node', 'cm1', changes)).toBe(
      'update node cm1: autoRegistration.enabled true → false; autoRegistration.endingDn 1999 → 2999',
    );
  });

  it('records creation and deletion as changes from and to nothing', () => {
    expect(fieldChanges(null, { description: 'Lobby' })).toEqual([
      { field: 'description', old: null, new: 'Lobby' },
    ]);
    expect(fieldChanges({ lines: ['1:1000'] }, null)).toEqual([
      { field: 'lines', old: ['1:1000'], new: null },
    ]);
  });

  it('never stores a password or key, only that it changed', () => {
    expect(fieldChanges({ role: 'admin' }, { role: 'admin', password: 's3cret-pass' })).toEqual([
      { field: 'password', old: null, new: '(hidden)' },
    ]);
    expect(fieldChanges({ newPassword: 'a' }, { newPassword: 'b' })).toEqual([
      { field: 'newPassword', old: '(hidden)', new: '(hidden)' },
    ]);
  });
});
