import type { FieldProblem } from '../core/node.js';

const USER_NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 256;

/** Why `name` cannot be a user name, or null. */
export function userNameProblem(name: string): FieldProblem | null {
  if (USER_NAME.test(name)) return null;
  return {
    field: 'name',
    message: `user name "${name}" must be 1 to 64 letters, digits, ".", "_", "@" or "-", starting with a letter or digit`,
  };
}

/** Why `password` is not acceptable for `userName`, or null. `field` names the input that carries it. */
export function passwordProblem(password: string, userName: string, field = 'password'): FieldProblem | null {
  if (password.length < MIN_PASSWORD_LENGTH)
    return { field, message: `the password must have at least ${MIN_PASSWORD_LENGTH} characters` };
  if (password.length > MAX_PASSWORD_LENGTH)
    return { field, message: `the password must have at most ${MAX_PASSWORD_LENGTH} characters` };
  if (password.toLowerCase() === userName.toLowerCase())
    return { field, message: 'the password must not be the user name' };
  return null;
}

/** Why an API key label is not acceptable, or null. */
export function apiKeyLabelProblem(label: string): FieldProblem | null {
  if (label.trim().length === 0 || label.length > 100)
    return {
      field: 'label',
      message: 'the label must have 1 to 100 characters (say what script uses the key)',
    };
  return null;
}
