import { zeroFill } from '../zero-fill.js';

/** Reference §3.7: button definition codes (chan-sccp sccp_enum.in = Wireshark ButtonType). */
export const ButtonDefinition = {
  Unused: 0x00,
  LastNumberRedial: 0x01,
  SpeedDial: 0x02,
  Hold: 0x03,
  Transfer: 0x04,
  ForwardAll: 0x05,
  ForwardBusy: 0x06,
  ForwardNoAnswer: 0x07,
  Display: 0x08,
  Line: 0x09,
  Voicemail: 0x0f,
  AnswerRelease: 0x10,
  AutoAnswer: 0x11,
  Feature: 0x13,
  ServiceUrl: 0x14,
  BlfSpeedDial: 0x15,
  MeetMe: 0x7b,
  Conference: 0x7d,
  CallPark: 0x7e,
  CallPickup: 0x7f,
  GroupCallPickup: 0x80,
  DoNotDisturb: 0x82,
  Keypad: 0xf0,
  Undefined: 0xff,
} as const;

/** One programmable button. */
export interface ButtonDefinitionEntry {
  /** Line instance (1..n) for lines, speed-dial index for speed dials. */
  instanceNumber: number;
  /** See {@link ButtonDefinition}. */
  buttonDefinition: number;
}

/** ButtonTemplate (0x0097, server → phone): what each programmable button is. */
export interface ButtonTemplate {
  type: 'ButtonTemplate';
  /** 0 when everything is sent at once. */
  buttonOffset: number;
  /** Entries in this message. */
  buttonCount: number;
  /** Buttons on the device. */
  totalButtonCount: number;
  /** The first `buttonCount` entries. */
  buttons: ButtonDefinitionEntry[];
}

/** What {@link encodeButtonTemplate} needs; offset defaults to 0 and both counts to buttons.length. */
export type ButtonTemplateInput = Pick<ButtonTemplate, 'buttons'> &
  Partial<Pick<ButtonTemplate, 'buttonOffset' | 'buttonCount' | 'totalButtonCount'>>;

/** Slots in an encoded template: the classic definition Wireshark decodes (reference §3.7). */
export const BUTTON_TEMPLATE_SLOTS = 42;

// Reference §3.7: u32 buttonOffset @0, u32 buttonCount @4, u32 totalButtonCount @8, then
// {u8 instanceNumber, u8 buttonDefinition} pairs from @12; 42 slots → 96-byte body.
const HEADER = 12;

/** Decodes min(buttonCount, slots present in the body) entries; chan-sccp's 56 slots are fine. */
export function decodeButtonTemplate(body: Buffer): ButtonTemplate {
  const b = zeroFill(body, HEADER);
  const buttonCount = b.readUInt32LE(4);
  const present = Math.max(0, Math.floor((body.length - HEADER) / 2));
  const buttons: ButtonDefinitionEntry[] = [];
  for (let i = 0; i < Math.min(buttonCount, present); i++) {
    buttons.push({
      instanceNumber: b.readUInt8(HEADER + 2 * i),
      buttonDefinition: b.readUInt8(HEADER + 2 * i + 1),
    });
  }
  return {
    type: 'ButtonTemplate',
    buttonOffset: b.readUInt32LE(0),
    buttonCount,
    totalButtonCount: b.readUInt32LE(8),
    buttons,
  };
}

/**
 * Encodes a 42-slot template. Slots after the given buttons are `{instance 0, definition 0xFF}`:
 * reference §3.7 says chan-sccp — the one source with dumps from working 79xx phones — marks
 * unused and unconfigured slots 0xFF ("undefined"), whereas 0x00 ("unused") is a button type the
 * phone might draw. The phone is believed to read only `totalButtonCount` slots (reference: unverified), so this matters only when
 * `totalButtonCount` exceeds the buttons given (a device with unconfigured buttons).
 */
export function encodeButtonTemplate(msg: ButtonTemplateInput): Buffer {
  if (msg.buttons.length > BUTTON_TEMPLATE_SLOTS) {
    throw new RangeError(`ButtonTemplate holds at most ${BUTTON_TEMPLATE_SLOTS} buttons`);
  }
  const b = Buffer.alloc(HEADER + 2 * BUTTON_TEMPLATE_SLOTS);
  b.writeUInt32LE(msg.buttonOffset ?? 0, 0);
  b.writeUInt32LE(msg.buttonCount ?? msg.buttons.length, 4);
  b.writeUInt32LE(msg.totalButtonCount ?? msg.buttons.length, 8);
  for (let i = 0; i < BUTTON_TEMPLATE_SLOTS; i++) {
    const button = msg.buttons[i] as ButtonDefinitionEntry | undefined;
    b.writeUInt8(button?.instanceNumber ?? 0, HEADER + 2 * i);
    b.writeUInt8(button?.buttonDefinition ?? ButtonDefinition.Undefined, HEADER + 2 * i + 1);
  }
  return b;
}
