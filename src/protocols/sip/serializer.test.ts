import { describe, expect, it } from 'vitest';
import { cisco7975Register } from '../../../test/sip/fixtures/cisco.js';
import { crlf } from '../../../test/sip/fixtures/rfc4475.js';
import type { SipRequest } from './message.js';
import { parseMessage } from './parser.js';
import { buildResponse, formatNameAddr, formatParams, serializeRequest, stampVia } from './serializer.js';

function request(buf: Buffer): SipRequest {
  const r = parseMessage(buf);
  if (!r.ok || r.message.kind !== 'request') throw new Error('request expected');
  return r.message;
}

function response(buf: Buffer) {
  const r = parseMessage(buf);
  if (!r.ok || r.message.kind !== 'response') throw new Error(`response expected: ${buf.toString()}`);
  return r.message;
}

const twoVias = crlf(
  'OPTIONS sip:bob@example.com SIP/2.0\n' +
    'Via: SIP/2.0/UDP proxy.example.com;branch=z9hG4bKp1, SIP/2.0/UDP 10.0.0.9:5062;branch=z9hG4bKa\n' +
    'v: SIP/2.0/TCP 10.0.0.8;branch=z9hG4bKb\n' +
    'Max-Forwards: 69\nTo: Bob <sip:bob@example.com>\nFrom: Alice <sip:alice@example.com>;tag=88sja8x\n' +
    'Call-ID: 987asjd97y7atg\nCSeq: 986759 OPTIONS\nTimestamp: 54\nContent-Length: 0\n\n',
);

describe('buildResponse (RFC 3261 §8.2.6)', () => {
  it('copies every Via in order, From, Call-ID and CSeq, and adds a To tag', () => {
    const req = request(twoVias);
    const res = response(
      buildResponse(req, 200, undefined, { Allow: 'INVITE, ACK' }, undefined, { toTag: 'srv1' }),
    );
    expect(res.status).toBe(200);
    expect(res.reason).toBe('OK');
    expect(res.via.map((v) => v.branch)).toEqual(['z9hG4bKp1', 'z9hG4bKa', 'z9hG4bKb']);
    expect(res.header('from')).toBe(req.header('from'));
    expect(res.callId).toBe(req.callId);
    expect(res.cseq).toEqual(req.cseq);
    expect(res.to.tag).toBe('srv1');
    expect(res.to.uri).toBe('sip:bob@example.com');
    expect(res.headers('allow')).toEqual(['INVITE', 'ACK']);
    expect(res.contentLength).toBe(0);
    expect(res.hasHeader('timestamp')).toBe(false);
  });

  it('keeps an existing To tag, adds none to 100 Trying, and copies Timestamp into it', () => {
    const tagged = request(
      Buffer.from(
        twoVias.toString().replace('To: Bob <sip:bob@example.com>', 'To: Bob <sip:bob@example.com>;tag=x1'),
      ),
    );
    expect(response(buildResponse(tagged, 486)).to.tag).toBe('x1');
    const trying = response(buildResponse(request(twoVias), 100));
    expect(trying.to.tag).toBeUndefined();
    expect(trying.header('timestamp')).toBe('54');
    expect(trying.reason).toBe('Trying');
  });

  it('generates a random To tag when none is given', () => {
    const a = response(buildResponse(request(twoVias), 404)).to.tag;
    const b = response(buildResponse(request(twoVias), 404)).to.tag;
    expect(a).toMatch(/^[0-9a-f]{12}$/);
    expect(a).not.toBe(b);
  });

  it('writes the body with Content-Length, dropping a Content-Length given by the caller', () => {
    const res = response(
      buildResponse(
        request(twoVias),
        200,
        'Fine',
        [
          ['Content-Type', 'text/plain'],
          ['Content-Length', '99'],
        ],
        'héllo',
      ),
    );
    expect(res.reason).toBe('Fine');
    expect(res.body.toString()).toBe('héllo');
    expect(res.contentLength).toBe(6);
    expect(res.headerRowCount('content-length')).toBe(1);
  });

  it('answers a 200 to a Cisco REGISTER with Expires and the echoed Contact', () => {
    const req = request(cisco7975Register);
    const contacts = req.contacts;
    if (contacts === '*') throw new Error('list expected');
    const raw = buildResponse(req, 200, undefined, {
      Contact: `${contacts[0].raw};expires=120`,
      Expires: 120,
      Date: 'Tue, 12 Mar 2013 09:41:08 GMT',
    });
    const res = response(raw);
    const echoed = res.contacts;
    if (echoed === '*') throw new Error('list expected');
    expect(echoed[0].expires).toBe(120);
    expect(echoed[0].params.get('+u.sip!devicename.ccm.cisco.com')).toBe('SEP0024142DDF24');
    expect(res.expires).toBe(120);
  });

  it('stamps received and rport from the packet source (RFC 3261 §18.2.1, RFC 3581)', () => {
    const req = request(cisco7975Register);
    const res = response(
      buildResponse(req, 200, undefined, undefined, undefined, {
        source: { address: '198.51.100.7', port: 61000 },
      }),
    );
    expect(res.via[0]).toMatchObject({ host: '10.10.2.34', port: 53006, received: '198.51.100.7' });
    const rport = request(
      Buffer.from(twoVias.toString().replace('branch=z9hG4bKp1', 'branch=z9hG4bKp1;rport')),
    );
    expect(stampVia(rport.via[0], { address: '203.0.113.5', port: 5070 })).toBe(
      'SIP/2.0/UDP proxy.example.com;branch=z9hG4bKp1;rport=5070;received=203.0.113.5',
    );
    const same = request(Buffer.from(twoVias.toString().replace('proxy.example.com;', '203.0.113.5;')));
    expect(stampVia(same.via[0], { address: '203.0.113.5', port: 5060 })).toBe(
      'SIP/2.0/UDP 203.0.113.5;branch=z9hG4bKp1',
    );
  });

  it('answers a request that failed validation (SipParseError.request)', () => {
    const r = parseMessage(
      Buffer.from(twoVias.toString().replace('CSeq: 986759 OPTIONS', 'CSeq: 986759 INVITE')),
    );
    if (r.ok || !r.error.canRespond || r.error.request === undefined)
      throw new Error('answerable error expected');
    const res = response(buildResponse(r.error.request, r.error.status, r.error.reason));
    expect(res.status).toBe(400);
    expect(res.reason).toBe('CSeq Method Mismatch');
    expect(res.cseq.method).toBe('INVITE');
  });

  it('refuses CR/LF injection and bad status codes', () => {
    const req = request(twoVias);
    expect(() => buildResponse(req, 200, 'OK\r\nX: y')).toThrow(RangeError);
    expect(() => buildResponse(req, 200, undefined, { 'X-A': 'a\nb' })).toThrow(RangeError);
    expect(() => buildResponse(req, 200, undefined, { 'Bad Name': 'x' })).toThrow(RangeError);
    expect(() => buildResponse(req, 700)).toThrow(RangeError);
  });
});

describe('serializeRequest', () => {
  it('writes a REGISTER the parser reads back', () => {
    const contact = formatNameAddr({
      uri: 'sip:2006@192.168.1.50:5060;transport=udp',
      params: [
        ['+sip.instance', '<urn:uuid:00000000-0000-0000-0000-001795a1b2c3>'],
        ['+u.sip!model.ccm.cisco.com', '8'],
      ],
    });
    const buf = serializeRequest({
      method: 'REGISTER',
      uri: 'sip:192.168.1.10',
      headers: [
        ['Via', 'SIP/2.0/UDP 192.168.1.50:5060;branch=z9hG4bK1'],
        [
          'From',
          formatNameAddr({ displayName: 'Line "1"', uri: 'sip:2006@192.168.1.10', params: [['tag', 'abc']] }),
        ],
        ['To', '<sip:2006@192.168.1.10>'],
        ['call-id', 'c1@192.168.1.50'],
        ['cseq', '1 REGISTER'],
        ['max-forwards', 70],
        ['contact', contact],
        ['expires', 3600],
      ],
    });
    expect(buf.toString()).toContain('Call-ID: c1@192.168.1.50\r\nCSeq: 1 REGISTER\r\nMax-Forwards: 70\r\n');
    const m = request(buf);
    expect(m.from.displayName).toBe('Line "1"');
    expect(m.contentLength).toBe(0);
    const c = m.contacts;
    if (c === '*') throw new Error('list expected');
    expect(c[0].instanceId).toBe('urn:uuid:00000000-0000-0000-0000-001795a1b2c3');
    expect(m.expires).toBe(3600);
  });

  it('formats parameters, quoting only what needs it', () => {
    expect(
      formatParams([
        ['lr', null],
        ['transport', 'tcp'],
        ['received', '2001:db8::1'],
        ['x', 'a b'],
      ]),
    ).toBe(';lr;transport=tcp;received=2001:db8::1;x="a b"');
  });

  it('refuses a bad method or Request-URI', () => {
    expect(() => serializeRequest({ method: 'REG ISTER', uri: 'sip:a', headers: [] })).toThrow(RangeError);
    expect(() => serializeRequest({ method: 'REGISTER', uri: 'sip:a b', headers: [] })).toThrow(RangeError);
  });
});
