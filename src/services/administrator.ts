import type { Store } from '../store/store.js';
import type { Clock } from './clock.js';
import { generatePassword, hashPassword } from './passwords.js';

export const ADMINISTRATOR = 'CCMAdministrator';

/**
 * Creates CCMAdministrator on first start. Returns the password when it had to generate one
 * (to be printed once), null when the user existed or the password came from the environment.
 */
export async function ensureAdministrator(
  store: Store,
  clock: Clock,
  fromEnv: string | undefined,
): Promise<string | null> {
  if (await store.users.find(ADMINISTRATOR)) return null;
  const password = fromEnv && fromEnv.length > 0 ? fromEnv : generatePassword();
  const created = await store.users.createIfAbsent(
    { name: ADMINISTRATOR, passwordHash: await hashPassword(password), role: 'admin' },
    clock(),
  );
  return created && !fromEnv ? password : null;
}
