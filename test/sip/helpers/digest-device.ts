import { credentialHashes } from '../../../src/core/sip-credential.js';
import type { RunningNode } from '../../../src/server.js';

/** Adds a SIP device with DN `dn` on line 1 and digest credentials (user `dn`, realm ccmsipline, `password`). */
export async function addDigestDevice(
  node: RunningNode,
  device: { name: string; dn: string; password: string; model?: string },
): Promise<void> {
  const now = new Date();
  await node.store.transaction(async (tx) => {
    await tx.devices.reserveDns([device.dn], now);
    await tx.devices.insert(
      {
        name: device.name,
        model: device.model ?? '7940',
        protocol: 'SIP',
        description: 'digest phone',
        lines: [{ index: 1, dn: device.dn }],
        loadId: null,
      },
      now,
    );
  });
  await node.store.credentials.set(
    {
      deviceName: device.name,
      username: device.dn,
      realm: 'ccmsipline',
      ...credentialHashes(device.dn, 'ccmsipline', device.password),
      passwordSealed: null,
    },
    now,
  );
}
