import type { RunningNode } from '../../src/server.js';

/** Adds a configured SCCP 7960 holding `dns` on lines 1, 2, … */
export async function addSccpDevice(node: RunningNode, name: string, dns: string[]): Promise<void> {
  const now = new Date();
  await node.store.transaction(async (tx) => {
    await tx.devices.reserveDns(dns, now);
    await tx.devices.insert(
      {
        name,
        model: '7960',
        protocol: 'SCCP',
        description: 'call test phone',
        lines: dns.map((dn, i) => ({ index: i + 1, dn })),
        loadId: null,
      },
      now,
    );
  });
}
