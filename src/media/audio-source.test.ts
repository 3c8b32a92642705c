import { describe, expect, it } from 'vitest';
import { AudioSourceError, defaultTone, parseWav, SAMPLE_RATE, wavOf } from './audio-source.js';
import { linearToUlaw } from './g711.js';
import { goertzel } from './goertzel.js';

describe('audio sources', () => {
  it('the default tone is a few seconds of notes at a moderate level, C5 among them', () => {
    const tone = defaultTone();
    expect(tone.length / SAMPLE_RATE).toBeGreaterThan(3);
    expect(Math.max(...tone)).toBeLessThan(8000);
    const firstNote = tone.subarray(0, 2000);
    expect(goertzel(firstNote, 523.25)).toBeGreaterThan(10 * goertzel(firstNote, 1000));
  });

  it('reads 8 kHz mono 16-bit PCM and µ-law WAV files', () => {
    const samples = Int16Array.from({ length: 800 }, (_, i) => (i % 2 ? 1000 : -1000));
    expect([...parseWav(wavOf(samples))]).toEqual([...samples]);
    const ulaw = Int16Array.from({ length: 800 }, () => linearToUlaw(0));
    expect(parseWav(wavOf(ulaw, 7)).every((s) => s === 0)).toBe(true);
  });

  it('refuses what it cannot play, naming the rule', () => {
    const samples = new Int16Array(800);
    const refusal = (file: Buffer) => {
      try {
        parseWav(file);
      } catch (error) {
        expect(error).toBeInstanceOf(AudioSourceError);
        return (error as AudioSourceError).message;
      }
      return 'accepted';
    };
    expect(refusal(Buffer.from('ID3 an mp3'))).toMatch(/must be a WAV file/);
    expect(refusal(wavOf(samples, 1, 44100))).toMatch(/sampled at 44100 Hz: it must be 8000 Hz mono/);
    expect(refusal(wavOf(samples, 1, 8000, 2))).toMatch(/2 channels/);
    expect(refusal(wavOf(samples, 3))).toMatch(/format 3/);
    expect(refusal(wavOf(new Int16Array(10)))).toMatch(/less than 100 ms/);
  });
});
