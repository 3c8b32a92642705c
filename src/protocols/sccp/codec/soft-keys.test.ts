import { describe, expect, it } from 'vitest';
import { encodeMessage } from './sccp-message.js';
import { defaultSoftKeySets, defaultSoftKeyTemplate, SoftKeyEvent, SoftKeySetIndex } from './soft-keys.js';

describe('default soft keys', () => {
  it('has the 79xx template with chan_skinny labels and Wireshark event numbers', () => {
    const template = defaultSoftKeyTemplate();
    expect(template.softKeys.map((k) => [k.label, k.event])).toEqual([
      ['Redial', 1],
      ['NewCall', 2],
      ['Hold', 3],
      ['Trnsfer', 4],
      ['CFwdAll', 5],
      ['CFwdBusy', 6],
      ['CFwdNoAnswer', 7],
      ['<<', 8],
      ['EndCall', 9],
      ['Resume', 10],
      ['Answer', 11],
      ['Info', 12],
      ['Confrn', 13],
      ['Park', 14],
      ['Join', 15],
      ['MeetMe', 16],
      ['PickUp', 17],
      ['GPickUp', 18],
    ]);
    expect(template.softKeyCount).toBe(18);
    expect(template.totalSoftKeyCount).toBe(18);
  });

  it('has one set per SoftKeySetIndex, each pointing into the template (1-based)', () => {
    const { sets, softKeySetCount } = defaultSoftKeySets();
    const size = defaultSoftKeyTemplate().softKeys.length;
    expect(sets).toHaveLength(Object.keys(SoftKeySetIndex).length);
    expect(softKeySetCount).toBe(12);
    for (const set of sets) {
      expect(set.templateIndex.length).toBeGreaterThan(0);
      for (const index of set.templateIndex) expect(index).toBeGreaterThanOrEqual(1);
      for (const index of set.templateIndex) expect(index).toBeLessThanOrEqual(size);
      expect(set.infoIndex).toEqual(set.templateIndex.map((i) => 300 + i));
    }
  });

  it('shows Answer when ringing and EndCall when connected', () => {
    const template = defaultSoftKeyTemplate().softKeys;
    const { sets } = defaultSoftKeySets();
    const events = (index: number) => sets[index].templateIndex.map((i) => template[i - 1].event);
    expect(events(SoftKeySetIndex.RingIn)).toContain(SoftKeyEvent.Answer);
    expect(events(SoftKeySetIndex.Connected)).toContain(SoftKeyEvent.EndCall);
    expect(events(SoftKeySetIndex.OnHook)).toContain(SoftKeyEvent.NewCall);
  });

  it('encodes to full-size frames (652- and 780-byte bodies)', () => {
    expect(encodeMessage(defaultSoftKeyTemplate())).toHaveLength(12 + 652);
    expect(encodeMessage(defaultSoftKeySets())).toHaveLength(12 + 780);
  });
});
