/**
 * The network path to PostgreSQL goes silent (a partition: packets dropped, no reset), through a
 * loopback TCP relay that stops forwarding. A lookup then fails after the statement timeout
 * instead of hanging, and once the path is back the node works again on new connections.
 */
import net from 'node:net';
import { expect, it } from 'vitest';
import { createPostgresDatabase, postgresAvailable, TEST_POSTGRES_URL } from '../support/databases.js';
import { eventually, startTestNode } from '../support/node.js';

/** Relays TCP to `target`; `cut()` stops moving bytes both ways (connections stay open), `heal()` resumes. */
async function relay(target: { host: string; port: number }) {
  let partitioned = false;
  const held: Array<() => void> = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    const open = () => {
      const upstream = net.connect(target.port, target.host);
      sockets.add(upstream);
      upstream.on('close', () => sockets.delete(upstream));
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
      const forward = (from: net.Socket, to: net.Socket) =>
        from.on('data', (chunk: Buffer) => {
          if (!partitioned) to.write(chunk);
          // A partition drops what is sent meanwhile.
        });
      forward(client, upstream);
      forward(upstream, client);
    };
    if (partitioned) held.push(open);
    else open();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    cut() {
      partitioned = true;
    },
    heal() {
      partitioned = false;
      for (const open of held.splice(0)) open();
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

it('a lookup fails after the statement timeout while PostgreSQL is unreachable, and the node recovers after', async (ctx) => {
  if (!(await postgresAvailable())) ctx.skip();
  const shared = new URL(TEST_POSTGRES_URL);
  const path = await relay({ host: shared.hostname, port: Number(shared.port || 5432) });
  const direct = await createPostgresDatabase();
  const through = new URL(direct.databaseUrl!);
  through.port = String(path.port);
  const t = await startTestNode({
    database: { ...direct, databaseUrl: through.toString() },
    config: { databaseStatementTimeoutSeconds: 1, databaseConnectTimeoutSeconds: 2 },
  });
  try {
    expect((await t.api.get('/phones')).status).toBe(200);
    path.cut();
    const started = Date.now();
    const during = await t.api.get('/phones');
    expect(during.status).toBeGreaterThanOrEqual(500);
    // Functional deadline: an answer, not a hang (statement timeout 1 s + 2 s for the client).
    expect(Date.now() - started).toBeLessThan(20_000);
    path.heal();
    await eventually(async () => (await t.api.get('/phones')).status === 200, 20_000);
  } finally {
    path.heal();
    await t.destroy();
    await path.close();
  }
});
