/**
 * SIP phones for the durability tests: auto-registered 7960s (SIP 8.0) that then refresh their
 * registration continuously while the database is restarted, ended or failed over.
 */
import { expect } from 'vitest';
import { SipRegistration } from '../../src/sim/sip-registration.js';
import type { TestNode } from './node.js';

/** `prefix` (4 hex digits) and `i` as a MAC: 00AB00000001. */
export const macOf = (prefix: string, i: number): string =>
  `${prefix}${i.toString(16).padStart(8, '0')}`.toUpperCase();

export interface SipLoad {
  phones: SipRegistration[];
  /** Their device names, SEP + MAC. */
  names: string[];
  /**
   * Every phone registers again every `intervalMs` until `stop()`, which answers how many
   * refreshes were made and which were not answered 200.
   */
  refresh(intervalMs: number): { stop(): Promise<{ refreshes: number; failures: string[] }> };
  close(): void;
}

/**
 * Auto-registers `count` SIP phones (macs `prefix`0…) on `t`: the auto-registration protocol is set
 * to SIP for them and back to SCCP afterwards.
 */
export async function registerSipPhones(t: TestNode, prefix: string, count: number): Promise<SipLoad> {
  const target = { host: '127.0.0.1', port: t.node.ports.sip! };
  expect((await t.api.patch('/enterprise-parameters', { autoRegistrationPhoneProtocol: 'SIP' })).status).toBe(
    200,
  );
  const lines = Array.from({ length: count }, (_, i) => {
    const m = macOf(prefix, i);
    return { index: 1, name: `SEP${m}`, authName: `SEP${m}`, mac: m };
  });
  const phones: SipRegistration[] = [];
  for (const line of lines) {
    const phone = new SipRegistration({
      mac: line.mac,
      modelEnum: 7,
      userAgent: 'Cisco-CP7960G/8.0',
      expires: 3600,
      localAddress: '127.0.0.1',
    });
    await phone.open();
    phones.push(phone);
    expect((await phone.register(line, target)).kind).toBe('registered');
  }
  expect(
    (await t.api.patch('/enterprise-parameters', { autoRegistrationPhoneProtocol: 'SCCP' })).status,
  ).toBe(200);
  return {
    phones,
    names: lines.map((l) => l.name),
    refresh(intervalMs) {
      let running = true;
      let refreshes = 0;
      const failures: string[] = [];
      const loops = phones.map(async (phone, i) => {
        while (running) {
          const outcome = await phone.register(lines[i], target);
          refreshes++;
          if (outcome.kind !== 'registered') failures.push(`${lines[i].name}: ${JSON.stringify(outcome)}`);
          await new Promise((resolve) => setTimeout(resolve, intervalMs));
        }
      });
      return {
        stop: async () => {
          running = false;
          await Promise.all(loops);
          return { refreshes, failures };
        },
      };
    },
    close: () => {
      for (const phone of phones) phone.close();
    },
  };
}
