import { describe, expect, it } from 'vitest';
import { cisco7975Register } from '../../../test/sip/fixtures/cisco.js';
import { crlf } from '../../../test/sip/fixtures/rfc4475.js';
import { type FramerEvent, SipStreamFramer } from './stream-framer.js';

const withBody = Buffer.concat([
  crlf(
    'MESSAGE sip:bob@example.com SIP/2.0\nVia: SIP/2.0/TCP 192.0.2.1:5060;branch=z9hG4bKm1\nMax-Forwards: 70\n' +
      'To: <sip:bob@example.com>\nFrom: <sip:alice@example.com>;tag=a1\nCall-ID: framer-2@192.0.2.1\nCSeq: 2 MESSAGE\n' +
      'Content-Type: text/plain\nContent-Length: 14\n\n',
  ),
  Buffer.from('hello\r\n\r\nworld'),
]);
const PING = Buffer.from('\r\n\r\n');
const stream = Buffer.concat([cisco7975Register, PING, withBody]);

function summary(events: FramerEvent[]): string[] {
  return events.map((e) => {
    if (e.type !== 'message') return e.type;
    if (!e.result.ok) return `invalid:${e.result.error.code}`;
    return `${e.result.message.callId}|${e.result.message.body.toString('hex')}`;
  });
}

function feed(chunks: Buffer[]): FramerEvent[] {
  const framer = new SipStreamFramer();
  const events = chunks.flatMap((c) => framer.push(c));
  expect(framer.bufferedBytes).toBe(0);
  return events;
}

/** Deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('SipStreamFramer', () => {
  const expected = summary(feed([stream]));

  it('frames two messages and a ping in one chunk', () => {
    expect(expected).toEqual([
      expect.stringMatching(/^0024142d-df24000a-.*\|$/),
      'ping',
      `framer-2@192.0.2.1|${Buffer.from('hello\r\n\r\nworld').toString('hex')}`,
    ]);
  });

  it('gives the same messages at every split point', () => {
    for (let i = 0; i <= stream.length; i++) {
      const got = summary(feed([stream.subarray(0, i), stream.subarray(i)]));
      const messages = got.filter((g) => g !== 'ping' && g !== 'pong');
      expect(messages, `split at ${i}`).toEqual([expected[0], expected[2]]);
      // A split inside the ping shows as a pong then a ping; the ping is always reported.
      expect(
        got.filter((g) => g === 'ping'),
        `split at ${i}`,
      ).toHaveLength(1);
    }
  });

  it('gives the same messages one byte at a time and in random chunks', () => {
    const bytes = Array.from(stream, (b) => Buffer.from([b]));
    expect(summary(feed(bytes)).filter((g) => g !== 'pong')).toEqual(expected);
    const rand = prng(42);
    for (let round = 0; round < 200; round++) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < stream.length;) {
        const n = 1 + Math.floor(rand() * 200);
        chunks.push(stream.subarray(i, i + n));
        i += n;
      }
      expect(summary(feed(chunks)).filter((g) => g !== 'pong')).toEqual(expected);
    }
  });

  it('reports a lone CRLF as a pong and ignores stray line ends', () => {
    const framer = new SipStreamFramer();
    expect(framer.push(Buffer.from('\r\n'))).toEqual([{ type: 'pong' }]);
    expect(summary(framer.push(Buffer.concat([Buffer.from('\n\r'), withBody])))).toHaveLength(1);
  });

  it('delivers a message that fails validation without breaking the stream', () => {
    const bad = Buffer.from(withBody.toString().replace('CSeq: 2 MESSAGE', 'CSeq: 2 INVITE'));
    const events = feed([bad, withBody]);
    expect(summary(events)).toEqual(['invalid:cseq-method-mismatch', expected[2]]);
    const first = events[0];
    expect(first.type === 'message' && !first.result.ok && first.result.error.canRespond).toBe(true);
  });

  it('fails the stream without Content-Length, with two of them, or with a bad one', () => {
    for (const [text, code] of [
      [withBody.toString().replace('Content-Length: 14\r\n', ''), 'missing-content-length'],
      [withBody.toString().replace('Content-Length: 14', 'Content-Length: 14\r\nl: 14'), 'duplicate-header'],
      [withBody.toString().replace('Content-Length: 14', 'Content-Length: -1'), 'invalid-header'],
      [withBody.toString().replace('Content-Length: 14', 'Content-Length: 99999'), 'message-too-large'],
      ['garbage without colon\r\nmore\r\n\r\n', 'bad-header-line'],
    ] as const) {
      const framer = new SipStreamFramer();
      const events = framer.push(Buffer.from(text));
      expect(events.at(-1)).toMatchObject({ type: 'error', error: { code } });
      expect(framer.failed).toBe(true);
      expect(framer.push(withBody)).toEqual([]);
    }
  });

  it('caps what it buffers while waiting for the end of a header section', () => {
    const framer = new SipStreamFramer({ maxMessageSize: 4096 });
    const events: FramerEvent[] = [];
    const line = Buffer.from(`X-Filler: ${'a'.repeat(90)}\r\n`);
    events.push(...framer.push(Buffer.from('OPTIONS sip:a@example.com SIP/2.0\r\n')));
    for (let i = 0; i < 100 && !framer.failed; i++) events.push(...framer.push(line));
    expect(events).toEqual([
      expect.objectContaining({ type: 'error', error: expect.objectContaining({ code: 'buffer-overflow' }) }),
    ]);
    expect(framer.failed).toBe(true);
  });
});
