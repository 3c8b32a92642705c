import { describe, expect, it } from 'vitest';
import { apiKeyLabelProblem, passwordProblem, userNameProblem } from './account-rules.js';

describe('account rules', () => {
  it('accepts CUCM-style user names and refuses spaces, empty and overlong names', () => {
    expect(userNameProblem('CCMAdministrator')).toBeNull();
    expect(userNameProblem('ops.viewer@site-1')).toBeNull();
    expect(userNameProblem('has space')?.field).toBe('name');
    expect(userNameProblem('')?.message).toContain('1 to 64');
    expect(userNameProblem('a'.repeat(65))).not.toBeNull();
    expect(userNameProblem('-dash')).not.toBeNull();
  });

  it('refuses short passwords and the user name as password, naming the field', () => {
    expect(passwordProblem('long enough', 'bob')).toBeNull();
    expect(passwordProblem('short', 'bob')).toEqual({
      field: 'password',
      message: 'the password must have at least 8 characters',
    });
    expect(passwordProblem('Operator1', 'operator1', 'newPassword')).toEqual({
      field: 'newPassword',
      message: 'the password must not be the user name',
    });
    expect(passwordProblem('x'.repeat(257), 'bob')?.message).toContain('at most 256');
  });

  it('wants a label on every API key', () => {
    expect(apiKeyLabelProblem('backup script')).toBeNull();
    expect(apiKeyLabelProblem('  ')?.field).toBe('label');
  });
});
