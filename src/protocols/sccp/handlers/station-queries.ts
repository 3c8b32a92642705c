import type { SccpMessageMap } from '../codec/sccp-message.js';
import { MessageId } from '../codec/message-id.js';
import { encodeButtonTemplate } from '../codec/messages/button-template.js';
import { encodeConfigStat } from '../codec/messages/config-stat.js';
import { encodeFeatureStat } from '../codec/messages/feature-stat.js';
import { encodeForwardStat } from '../codec/messages/forward-stat.js';
import { encodeLineStat } from '../codec/messages/line-stat.js';
import { encodeServerRes } from '../codec/messages/server-res.js';
import { encodeSoftKeySetRes } from '../codec/messages/soft-key-set.js';
import { encodeSoftKeyTemplateRes } from '../codec/messages/soft-key-template.js';
import { encodeSpeedDialStat } from '../codec/messages/speed-dial.js';
import { encodeDefineTimeDate } from '../codec/messages/time-date.js';
import { defaultSoftKeySets, defaultSoftKeyTemplate } from '../codec/soft-keys.js';
import type { Device } from '../../../core/device.js';
import { buttonTemplate, forwardAllStatus, lineStatus, timeDate } from '../station-responses.js';
import type { StationSession } from './station-session.js';

/** A registered phone's startup queries (sccp.md §5, steps 4–13). */
export type StationQuery = SccpMessageMap[
  | 'ButtonTemplateReq'
  | 'LineStatReq'
  | 'SoftKeyTemplateReq'
  | 'SoftKeySetReq'
  | 'TimeDateReq'
  | 'ConfigStatReq'
  | 'ServerReq'
  | 'SpeedDialStatReq'
  | 'ForwardStatReq'
  | 'FeatureStatReq'];

/** Answers one of a registered phone's queries. */
export function answerQuery(message: StationQuery, session: StationSession): void {
  // The table hands queries to registered sessions only.
  const device = session.device as Device;
  const agreedVersion = session.phone?.agreedVersion ?? 0;
  switch (message.type) {
    case 'ButtonTemplateReq':
      session.send(
        MessageId.ButtonTemplate,
        encodeButtonTemplate(buttonTemplate(device, session.phone?.model)),
      );
      return;
    case 'LineStatReq':
      session.send(MessageId.LineStat, encodeLineStat(lineStatus(device, message.lineNumber)));
      return;
    case 'SoftKeyTemplateReq':
      session.send(MessageId.SoftKeyTemplateRes, encodeSoftKeyTemplateRes(defaultSoftKeyTemplate()));
      return;
    case 'SoftKeySetReq':
      session.send(MessageId.SoftKeySetRes, encodeSoftKeySetRes(defaultSoftKeySets()));
      return;
    case 'TimeDateReq':
      session.send(MessageId.DefineTimeDate, encodeDefineTimeDate(timeDate(session.now())));
      return;
    case 'ConfigStatReq':
      session.send(
        MessageId.ConfigStat,
        encodeConfigStat({
          deviceName: device.name,
          stationUserId: 0,
          stationInstance: 1,
          userName: device.description.slice(0, 39),
          serverName: session.registration.nodeName,
          numberLines: device.lines.length,
          numberSpeedDials: 0,
        }),
      );
      return;
    case 'ServerReq':
      session.send(
        MessageId.ServerRes,
        encodeServerRes({
          servers: [
            {
              name: session.registration.nodeName,
              port: session.localPort ?? 2000,
              ipAddress: ipv4Of(session.localAddress),
            },
          ],
          bodySize: agreedVersion >= 17 ? 360 : 280,
        }),
      );
      return;
    case 'SpeedDialStatReq':
      session.send(
        MessageId.SpeedDialStat,
        encodeSpeedDialStat({
          speedDialNumber: message.speedDialNumber,
          speedDialDirNumber: '',
          speedDialDisplayName: '',
        }),
      );
      return;
    case 'ForwardStatReq':
      session.send(
        MessageId.ForwardStat,
        encodeForwardStat({
          ...forwardAllStatus(device, message.lineNumber),
          lineNumber: message.lineNumber,
          forwardBusyActive: 0,
          forwardBusyNumber: '',
          forwardNoAnswerActive: 0,
          forwardNoAnswerNumber: '',
          bodySize: agreedVersion >= 18 ? 95 : 92,
        }),
      );
      return;
    case 'FeatureStatReq':
      session.send(
        MessageId.FeatureStat,
        encodeFeatureStat({
          featureIndex: message.featureIndex,
          featureId: 0,
          featureTextLabel: '',
          featureStatus: 0,
        }),
      );
      return;
  }
}

/** ServerRes carries an IPv4 address: ours as the phone reached it, 0.0.0.0 when that was IPv6. */
function ipv4Of(local: string | undefined): string {
  const address = local ?? '0.0.0.0';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (mapped) return mapped[1];
  return /^\d+\.\d+\.\d+\.\d+$/.test(address) ? address : '0.0.0.0';
}
