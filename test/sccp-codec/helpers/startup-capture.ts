/**
 * The capture the tshark cross-check dissects: a 7940 registering and starting up over SCCP
 * (with two Skinny frames in one TCP segment), then a 7941 whose Register is rejected.
 */
import {
  ButtonDefinition,
  defaultSoftKeySets,
  defaultSoftKeyTemplate,
  defineTimeDateAt,
  encodeMessage,
  headerVersionFor,
  MessageId,
  PayloadCapability,
  ResetType,
  type SccpMessageInput,
} from '../../../src/protocols/sccp/codec/index.js';
import { PcapWriter, TcpConversation } from './pcap-writer.js';

/** Longer than 31 characters, so the RegisterReject encoder must cut it. */
export const REJECT_TEXT = 'Auto-registration is SIP only: set the enterprise parameter to SCCP';
/** The instant sent in DefineTimeDate (UTC, no offset). */
export const WHEN = new Date('2026-03-14T15:09:26Z');
/** Protocol version the server agrees with the 7940 (SCCP 8.x loads speak 11). */
export const AGREED = 11;

/** Server → phone frame with the header version chan-sccp would use once V11 is agreed. */
function fromServer(msg: SccpMessageInput): Buffer {
  const id = msg.type === 'Unknown' ? msg.messageId : MessageId[msg.type];
  return encodeMessage(msg, headerVersionFor(id, AGREED));
}

/** A 7940 registering and starting up, then a 7941 rejected; returns the pcap bytes. */
export function buildCapture(): Buffer {
  const pcap = new PcapWriter();
  const server = { ip: '10.0.0.1', port: 2000 };

  const a = new TcpConversation(pcap, { ip: '10.0.0.100', port: 50000 }, server);
  a.handshake();
  a.send(
    'client',
    encodeMessage({
      type: 'Register',
      deviceName: 'SEP001122334455',
      stationIpAddr: '10.0.0.100',
      deviceType: 8,
      maxStreams: 5,
      protocolVersion: 0x0b,
      bodySize: 68,
    }),
  );
  a.send(
    'server',
    fromServer({
      type: 'RegisterAck',
      keepAliveInterval: 30,
      dateTemplate: 'M/D/Y',
      secondaryKeepAliveInterval: 60,
      maxProtocolVersion: AGREED,
    }),
  );
  a.send('server', fromServer({ type: 'CapabilitiesReq' }));
  a.send(
    'client',
    encodeMessage({
      type: 'CapabilitiesRes',
      capabilities: [
        { payloadCapability: PayloadCapability.G711Ulaw64k, maxFramesPerPacket: 40 },
        { payloadCapability: PayloadCapability.G729AnnexA, maxFramesPerPacket: 60 },
      ],
    }),
  );
  a.send('client', encodeMessage({ type: 'ButtonTemplateReq' }));
  a.send(
    'server',
    fromServer({
      type: 'ButtonTemplate',
      buttons: [
        { instanceNumber: 1, buttonDefinition: ButtonDefinition.Line },
        { instanceNumber: 2, buttonDefinition: ButtonDefinition.Line },
      ],
    }),
  );
  a.send('client', encodeMessage({ type: 'SoftKeyTemplateReq' }));
  a.send('server', fromServer(defaultSoftKeyTemplate()));
  a.send('client', encodeMessage({ type: 'SoftKeySetReq' }));
  a.send('server', fromServer(defaultSoftKeySets()));
  // Two Skinny frames in one TCP segment.
  a.send(
    'client',
    Buffer.concat([
      encodeMessage({ type: 'LineStatReq', lineNumber: 1 }),
      encodeMessage({ type: 'TimeDateReq' }),
    ]),
  );
  a.send(
    'server',
    fromServer({
      type: 'LineStat',
      lineNumber: 1,
      lineDirNumber: '1000',
      lineFullyQualifiedDisplayName: 'Reception',
      lineTextLabel: '1000 - Reception',
      lineDisplayOptions: 0x0f,
    }),
  );
  a.send('server', fromServer(defineTimeDateAt(WHEN)));
  a.send('client', encodeMessage({ type: 'KeepAlive' }));
  a.send('server', fromServer({ type: 'KeepAliveAck' }));
  a.send('server', fromServer({ type: 'Reset', resetType: ResetType.Restart }));
  a.close();

  const b = new TcpConversation(pcap, { ip: '10.0.0.101', port: 50001 }, server);
  b.handshake();
  b.send(
    'client',
    encodeMessage({
      type: 'Register',
      deviceName: 'SEP001B535CD3D6',
      stationIpAddr: '10.0.0.101',
      deviceType: 115,
      maxStreams: 3,
      protocolVersion: 0x11,
      macAddress: '001B535CD3D6',
      maxNumberOfLines: 2,
      loadInfo: 'SCCP41.8-5-3S',
    }),
  );
  b.send('server', encodeMessage({ type: 'RegisterReject', text: REJECT_TEXT }));
  b.close();

  return pcap.toBuffer();
}
