import type { Device } from '../../core/device.js';
import type { PhoneModel } from '../../core/phone-models.js';
import type { SccpMessage } from './codec/index.js';
import { MessageId } from './codec/message-id.js';
import { encodeButtonTemplate } from './codec/messages/button-template.js';
import { encodeConfigStat } from './codec/messages/config-stat.js';
import { encodeFeatureStat } from './codec/messages/feature-stat.js';
import { encodeForwardStat } from './codec/messages/forward-stat.js';
import { encodeLineStat } from './codec/messages/line-stat.js';
import { encodeServerRes } from './codec/messages/server-res.js';
import { encodeSoftKeySetRes } from './codec/messages/soft-key-set.js';
import { encodeSoftKeyTemplateRes } from './codec/messages/soft-key-template.js';
import { encodeSpeedDialStat } from './codec/messages/speed-dial.js';
import { encodeDefineTimeDate } from './codec/messages/time-date.js';
import { defaultSoftKeySets, defaultSoftKeyTemplate } from './codec/soft-keys.js';
import { buttonTemplate, lineStatus, timeDate } from './station-responses.js';

/** What a registered phone's queries are answered from. */
export interface StationContext {
  device: Device;
  model: PhoneModel | undefined;
  /** The protocol version agreed at registration (sccp.md §3.2). */
  agreedVersion: number;
  nodeName: string;
  /** Where the phone reached this node: ServerRes names it. */
  serverPort: number;
  serverIpv4: string;
  now: Date;
}

/**
 * The answer to one of a registered phone's startup queries (sccp.md §5, steps 4–13), as a
 * message id and body; null for a message that is not such a query.
 */
export function answerStationQuery(
  message: SccpMessage,
  ctx: StationContext,
): { messageId: number; body: Buffer } | null {
  const { device } = ctx;
  switch (message.type) {
    case 'ButtonTemplateReq':
      return {
        messageId: MessageId.ButtonTemplate,
        body: encodeButtonTemplate(buttonTemplate(device, ctx.model)),
      };
    case 'LineStatReq':
      return { messageId: MessageId.LineStat, body: encodeLineStat(lineStatus(device, message.lineNumber)) };
    case 'SoftKeyTemplateReq':
      return {
        messageId: MessageId.SoftKeyTemplateRes,
        body: encodeSoftKeyTemplateRes(defaultSoftKeyTemplate()),
      };
    case 'SoftKeySetReq':
      return { messageId: MessageId.SoftKeySetRes, body: encodeSoftKeySetRes(defaultSoftKeySets()) };
    case 'TimeDateReq':
      return { messageId: MessageId.DefineTimeDate, body: encodeDefineTimeDate(timeDate(ctx.now)) };
    case 'ConfigStatReq':
      return {
        messageId: MessageId.ConfigStat,
        body: encodeConfigStat({
          deviceName: device.name,
          stationUserId: 0,
          stationInstance: 1,
          userName: device.description.slice(0, 39),
          serverName: ctx.nodeName,
          numberLines: device.lines.length,
          numberSpeedDials: 0,
        }),
      };
    case 'ServerReq':
      return {
        messageId: MessageId.ServerRes,
        body: encodeServerRes({
          servers: [{ name: ctx.nodeName, port: ctx.serverPort, ipAddress: ctx.serverIpv4 }],
          bodySize: ctx.agreedVersion >= 17 ? 360 : 280,
        }),
      };
    case 'SpeedDialStatReq':
      return {
        messageId: MessageId.SpeedDialStat,
        body: encodeSpeedDialStat({
          speedDialNumber: message.speedDialNumber,
          speedDialDirNumber: '',
          speedDialDisplayName: '',
        }),
      };
    case 'ForwardStatReq':
      return {
        messageId: MessageId.ForwardStat,
        body: encodeForwardStat({
          activeForward: 0,
          lineNumber: message.lineNumber,
          forwardAllActive: 0,
          forwardAllNumber: '',
          forwardBusyActive: 0,
          forwardBusyNumber: '',
          forwardNoAnswerActive: 0,
          forwardNoAnswerNumber: '',
          bodySize: ctx.agreedVersion >= 18 ? 95 : 92,
        }),
      };
    case 'FeatureStatReq':
      return {
        messageId: MessageId.FeatureStat,
        body: encodeFeatureStat({
          featureIndex: message.featureIndex,
          featureId: 0,
          featureTextLabel: '',
          featureStatus: 0,
        }),
      };
    default:
      return null;
  }
}
