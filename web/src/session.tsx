import { createContext, useContext } from 'react';
import type { Session } from './api/types';

export interface SessionContext {
  session: Session;
  /** False for read-only users: every change control is disabled. */
  canChange: boolean;
  signOut: () => void;
}

export const SessionCtx = createContext<SessionContext | null>(null);

export function useSession(): SessionContext {
  const s = useContext(SessionCtx);
  if (!s) throw new Error('useSession outside a signed-in page');
  return s;
}
