import type { ReactNode } from 'react';
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import type {
  ActiveCallChange,
  AuditEntry,
  BulkJobProgressEvent,
  CallDetailRecordPushed,
  ConfigurationChange,
  DeviceStatusChange,
  NodeLivenessChange,
  PendingPhoneChange,
  RegistrationEvent,
} from './api/types';

/** What the node pushes over GET /api/v1/events (server-sent events). */
export interface LiveEventMap {
  'registration-event': RegistrationEvent;
  'device-status': DeviceStatusChange;
  'configuration-changed': ConfigurationChange;
  audit: AuditEntry;
  'bulk-job-progress': BulkJobProgressEvent;
  'pending-phone': PendingPhoneChange;
  'call-detail-record': CallDetailRecordPushed;
  'active-call': ActiveCallChange;
  'node-liveness': NodeLivenessChange;
}
type Name = keyof LiveEventMap;
type Handler<K extends Name> = (data: LiveEventMap[K]) => void;

export type LiveState = 'connecting' | 'live' | 'offline';

interface LiveContext {
  state: LiveState;
  subscribe<K extends Name>(name: K, handler: Handler<K>): () => void;
}

const Context = createContext<LiveContext>({ state: 'offline', subscribe: () => () => undefined });

/** One EventSource for the whole UI while signed in; pages subscribe to the events they show. */
export function LiveProvider({ children, onLost }: { children: ReactNode; onLost: () => void }) {
  const [state, setState] = useState<LiveState>('connecting');
  const handlers = useRef(new Map<Name, Set<(data: unknown) => void>>());
  const lost = useRef(onLost);
  lost.current = onLost;

  useEffect(() => {
    const source = new EventSource('/api/v1/events');
    source.onopen = () => setState('live');
    source.onerror = () => {
      setState(source.readyState === EventSource.CLOSED ? 'offline' : 'connecting');
      // The browser retries by itself; a stream that failed may mean the session ended.
      lost.current();
    };
    const names: Name[] = [
      'registration-event',
      'device-status',
      'configuration-changed',
      'audit',
      'bulk-job-progress',
      'pending-phone',
      'call-detail-record',
      'active-call',
      'node-liveness',
    ];
    for (const name of names) {
      source.addEventListener(name, (e) => {
        const data: unknown = JSON.parse((e as MessageEvent<string>).data);
        handlers.current.get(name)?.forEach((h) => h(data));
      });
    }
    return () => source.close();
  }, []);

  const subscribe = useCallback(<K extends Name>(name: K, handler: Handler<K>) => {
    const set = handlers.current.get(name) ?? new Set();
    const h = handler as (data: unknown) => void;
    set.add(h);
    handlers.current.set(name, set);
    return () => {
      set.delete(h);
    };
  }, []);
  const value = useMemo(() => ({ state, subscribe }), [state, subscribe]);
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export function useLiveState(): LiveState {
  return useContext(Context).state;
}

/** Calls `handler` (the latest one) for each `name` event pushed by the node. */
export function useLiveEvent<K extends Name>(name: K, handler: Handler<K>): void {
  const { subscribe } = useContext(Context);
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => subscribe(name, (d) => latest.current(d)), [name, subscribe]);
}
