import { Phone } from '../../src/sim/phone.js';
import type { PhoneOptions, PhoneState, PhoneStatus } from '../../src/sim/phone.js';
import { simModel } from '../../src/sim/sim-models.js';
import type { TestNode } from '../support/node.js';

/** Short waits: tests must not sit through a phone's real retry timers. */
export const FAST = {
  retryMs: 200,
  maxRetryMs: 1000,
  rejectedRetryMs: 60_000,
  reconnectJitterMs: 50,
  tftpTimeoutMs: 500,
  tftpRetries: 3,
  connectTimeoutMs: 2000,
  registerTimeoutMs: 10_000,
  sipT1Ms: 100,
};

export interface TrackedPhone {
  phone: Phone;
  states: PhoneStatus[];
  /** Resolves with the first status (from now on or already seen after `since`) in `state`. */
  reach(state: PhoneState, since?: number, timeoutMs?: number): Promise<PhoneStatus>;
}

export function trackedPhone(
  options: Omit<Partial<PhoneOptions>, 'model'> & { mac: string; model?: string },
  t?: TestNode,
): TrackedPhone {
  const model = simModel(options.model ? String(options.model) : '7940');
  if (!model) throw new Error('unknown model');
  const phone = new Phone({
    tftp: t ? { host: '127.0.0.1', port: t.node.ports.tftp as number } : null,
    ...options,
    model,
    timing: { ...FAST, ...options.timing },
  });
  const states: PhoneStatus[] = [];
  phone.on('change', (s) => states.push(s));
  const reach = (state: PhoneState, since = 0, timeoutMs = 20_000) =>
    new Promise<PhoneStatus>((resolve, reject) => {
      const seen = states.slice(since).find((s) => s.state === state);
      if (seen) return resolve(seen);
      const timer = setTimeout(() => {
        phone.off('change', on);
        reject(
          new Error(
            `${phone.deviceName} did not reach ${state}; went through ${states.map((s) => `${s.state}(${s.message})`).join(' → ')}`,
          ),
        );
      }, timeoutMs);
      const on = (s: PhoneStatus) => {
        if (s.state !== state) return;
        clearTimeout(timer);
        phone.off('change', on);
        resolve(s);
      };
      phone.on('change', on);
    });
  return { phone, states, reach };
}
