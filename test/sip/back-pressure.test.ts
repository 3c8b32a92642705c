/**
 * A peer that sends and never reads: the node answers each request, and what the peer does not
 * take stays queued in the node. Past --sip-max-queued-bytes the connection is closed, so the
 * node's memory does not grow with the flood (the issue measured 635 MB that stayed).
 */
import net from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { eventually, startTestNode } from '../support/node.js';
import type { TestNode } from '../support/node.js';
import type { ChildNode } from '../support/child-node.js';
import { startChildNode } from '../support/child-node.js';

/** An OPTIONS whose Via (echoed in the 200) makes each answer about 60 KB. */
function bigOptions(n: number, transport: string): string {
  return (
    `OPTIONS sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/${transport} 127.0.0.1;branch=z9hG4bKbp${n}\r\n` +
    `Via: SIP/2.0/${transport} 10.0.0.1;branch=z9hG4bK${'p'.repeat(60_000)}\r\n` +
    `From: <sip:a@127.0.0.1>;tag=${n}\r\nTo: <sip:b@127.0.0.1>\r\nCall-ID: bp${n}@x\r\nCSeq: 1 OPTIONS\r\n` +
    'Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n'
  );
}

/** Writes `count` big OPTIONS on a connection that never reads; resolves with how many went out before it closed. */
function flood(port: number, count: number): Promise<{ written: number; closedByServer: boolean }> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let written = 0;
    let done = false;
    const finish = (closedByServer: boolean) => {
      if (done) return;
      done = true;
      socket.destroy();
      resolve({ written, closedByServer });
    };
    socket.on('error', () => finish(true));
    socket.on('close', () => finish(true));
    socket.on('connect', () => {
      // Never read: what the node sends piles up in the kernel, then in the node.
      socket.pause();
      const next = () => {
        while (written < count && !done) {
          written++;
          if (!socket.write(bigOptions(written, 'TCP'))) {
            socket.once('drain', next);
            return;
          }
        }
        if (written >= count) setTimeout(() => finish(false), 2000);
      };
      next();
    });
  });
}

let node: ChildNode;

beforeAll(async () => {
  node = await startChildNode();
}, 60_000);

afterAll(async () => {
  await node?.stop();
});

it('closes a SIP TCP peer that floods OPTIONS and never reads, and stays within bounded memory', async () => {
  const port = node.ports.sip;
  const before = node.rssKb();
  // 3,000 answers of 60 KB: 180 MB the peer never takes.
  const first = await flood(port, 3000);
  expect(first.closedByServer).toBe(true);
  expect(first.written).toBeLessThan(3000);
  const second = await flood(port, 3000);
  expect(second.closedByServer).toBe(true);
  await new Promise((r) => setTimeout(r, 1000));
  const grownMb = (node.rssKb() - before) / 1024;
  // What stays is the node's working memory, not the flood: far below the 360 MB never read.
  expect(grownMb).toBeLessThan(64);
  expect(await node.metric('openucm_limit_refusals_total', 'limit="sipMaxQueuedBytes"')).toBe(2);
  expect(node.alive()).toBe(true);
  expect(await node.metric('openucm_unexpected_errors_total')).toBe(0);
}, 120_000);

// SIP over WebSocket, in a node of the test's own process: the same limit on the WebSocket's queue.
it('closes a SIP WebSocket peer that floods OPTIONS and never reads', async () => {
  const t: TestNode = await startTestNode();
  try {
    const ws = new WebSocket(`ws://127.0.0.1:${t.node.ports.http}/sip`, ['sip']);
    await new Promise((r) => ws.once('open', r));
    ws.pause();
    let closed = false;
    ws.on('close', () => (closed = true));
    ws.on('error', () => undefined);
    for (let i = 0; i < 3000 && !closed; i++) {
      ws.send(bigOptions(i, 'WS'));
      if (i % 50 === 0) await new Promise((r) => setTimeout(r, 5));
    }
    await eventually(() => closed, 10_000);
    expect(t.node.limits.totals().get('sipMaxQueuedBytes')).toBe(1);
  } finally {
    await t.destroy();
  }
}, 60_000);
