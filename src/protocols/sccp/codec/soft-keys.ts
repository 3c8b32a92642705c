import type { SoftKeyDefinition, SoftKeyTemplateRes } from './messages/soft-key-template.js';
import type { SoftKeySetDefinition, SoftKeySetRes } from './messages/soft-key-set.js';

/**
 * Soft key event numbers, sent back by the phone in SoftKeyEvent when a key is pressed.
 * Same numbers in Wireshark's skinny.softKeyEvent table (tshark 4.0: 1 Redial … 18 GrpPickup),
 * chan_skinny and wazo-libsccp (SOFTKEY_REDIAL 0x01 … SOFTKEY_GPICKUP 0x12).
 */
export const SoftKeyEvent = {
  Redial: 1,
  NewCall: 2,
  Hold: 3,
  Transfer: 4,
  CFwdAll: 5,
  CFwdBusy: 6,
  CFwdNoAnswer: 7,
  BackSpace: 8,
  EndCall: 9,
  Resume: 10,
  Answer: 11,
  Info: 12,
  Confrn: 13,
  Park: 14,
  Join: 15,
  MeetMe: 16,
  PickUp: 17,
  GPickUp: 18,
} as const;

/** Soft key set indices: which set SelectSoftKeys shows (reference §3.14, Wireshark SoftKeySet enum). */
export const SoftKeySetIndex = {
  OnHook: 0,
  Connected: 1,
  OnHold: 2,
  RingIn: 3,
  OffHook: 4,
  ConnectedTransfer: 5,
  DigitsFollowing: 6,
  ConnectedConference: 7,
  RingOut: 8,
  OffHookWithFeatures: 9,
  InUseHint: 10,
  OnHookStealable: 11,
} as const;

type SoftKeyName = keyof typeof SoftKeyEvent;

/** The 79xx template, in event order, with the labels chan_skinny sends. */
const TEMPLATE: ReadonlyArray<readonly [label: string, key: SoftKeyName]> = [
  ['Redial', 'Redial'],
  ['NewCall', 'NewCall'],
  ['Hold', 'Hold'],
  ['Trnsfer', 'Transfer'],
  ['CFwdAll', 'CFwdAll'],
  ['CFwdBusy', 'CFwdBusy'],
  ['CFwdNoAnswer', 'CFwdNoAnswer'],
  ['<<', 'BackSpace'],
  ['EndCall', 'EndCall'],
  ['Resume', 'Resume'],
  ['Answer', 'Answer'],
  ['Info', 'Info'],
  ['Confrn', 'Confrn'],
  ['Park', 'Park'],
  ['Join', 'Join'],
  ['MeetMe', 'MeetMe'],
  ['PickUp', 'PickUp'],
  ['GPickUp', 'GPickUp'],
];

/** Keys shown in each set, in order (index = {@link SoftKeySetIndex}). */
const SETS: ReadonlyArray<readonly SoftKeyName[]> = [
  /* 0 on-hook */ ['Redial', 'NewCall', 'CFwdAll', 'PickUp', 'GPickUp'],
  /* 1 connected */ ['Hold', 'EndCall', 'Transfer', 'Confrn', 'Park'],
  /* 2 on-hold */ ['Resume', 'NewCall', 'EndCall'],
  /* 3 ring-in */ ['Answer', 'EndCall'],
  /* 4 off-hook */ ['Redial', 'EndCall', 'CFwdAll', 'PickUp', 'GPickUp', 'MeetMe'],
  /* 5 connected-transfer */ ['Hold', 'EndCall', 'Transfer', 'Confrn', 'Park'],
  /* 6 digits-following */ ['BackSpace', 'EndCall'],
  /* 7 connected-conference */ ['Hold', 'EndCall', 'Transfer', 'Confrn'],
  /* 8 ring-out */ ['EndCall', 'Transfer'],
  /* 9 off-hook-with-features */ ['Redial', 'EndCall'],
  /* 10 in-use-hint */ ['NewCall'],
  /* 11 on-hook-stealable */ ['Redial', 'NewCall', 'CFwdAll'],
];

/** chan_skinny's info index for a template index (reference §3.14 leaves it open). */
const INFO_INDEX_BASE = 300;

/** The default 79xx soft key template, ready for `encodeMessage`. */
export function defaultSoftKeyTemplate(): SoftKeyTemplateRes {
  const softKeys: SoftKeyDefinition[] = TEMPLATE.map(([label, key]) => ({ label, event: SoftKeyEvent[key] }));
  return {
    type: 'SoftKeyTemplateRes',
    softKeyOffset: 0,
    softKeyCount: softKeys.length,
    totalSoftKeyCount: softKeys.length,
    softKeys,
  };
}

/** The default soft key sets for {@link defaultSoftKeyTemplate}, ready for `encodeMessage`. */
export function defaultSoftKeySets(): SoftKeySetRes {
  const sets: SoftKeySetDefinition[] = SETS.map((keys) => {
    // Reference §3.14: templateIndex is 1-based into the template.
    const templateIndex = keys.map((key) => TEMPLATE.findIndex(([, k]) => k === key) + 1);
    return { templateIndex, infoIndex: templateIndex.map((index) => INFO_INDEX_BASE + index) };
  });
  return {
    type: 'SoftKeySetRes',
    softKeySetOffset: 0,
    softKeySetCount: sets.length,
    totalSoftKeySetCount: sets.length,
    sets,
  };
}
