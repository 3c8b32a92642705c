/**
 * What held phones hear: linear 8 kHz mono samples, played in a loop. Either the default tone (a
 * short melody of sine tones generated at start) or an uploaded WAV file: 8 kHz mono, 16-bit PCM
 * or G.711 µ-law/A-law. Anything else is refused with the rule it breaks, never resampled.
 */
import { alawToLinear, ulawToLinear } from './g711.js';

export const SAMPLE_RATE = 8000;

/** A refused audio file: `rule` says what it must be, for the API's {error, field, message}. */
export class AudioSourceError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** One note of the default melody: frequency (Hz, 0 for a rest) and length (ms). */
const MELODY: readonly [number, number][] = [
  [523.25, 300], // C5
  [659.25, 300], // E5
  [783.99, 300], // G5
  [1046.5, 450], // C6
  [0, 150],
  [783.99, 300], // G5
  [659.25, 300], // E5
  [587.33, 300], // D5
  [523.25, 600], // C5
  [0, 700],
];

/** About −16 dBFS: clearly audible on a handset, never harsh. */
const AMPLITUDE = 5000;
/** Fade in and out of each note, ms: no clicks between notes. */
const FADE_MS = 15;

/** The default music on hold: a calm arpeggio of sine tones, about four seconds, looped. */
export function defaultTone(): Int16Array {
  const total = MELODY.reduce((sum, [, ms]) => sum + (ms * SAMPLE_RATE) / 1000, 0);
  const samples = new Int16Array(total);
  let at = 0;
  for (const [frequency, ms] of MELODY) {
    const length = (ms * SAMPLE_RATE) / 1000;
    const fade = (FADE_MS * SAMPLE_RATE) / 1000;
    for (let i = 0; i < length && frequency > 0; i++) {
      const envelope = Math.min(1, i / fade, (length - 1 - i) / fade);
      // A soft second harmonic makes it sound like an instrument rather than a test tone.
      const phase = (2 * Math.PI * frequency * i) / SAMPLE_RATE;
      samples[at + i] = Math.round(
        AMPLITUDE * envelope * (0.8 * Math.sin(phase) + 0.2 * Math.sin(2 * phase)),
      );
    }
    at += length;
  }
  return samples;
}

const WAVE_FORMAT = { pcm: 1, alaw: 6, ulaw: 7 } as const;

/** The samples of a WAV file the node can play, or an AudioSourceError naming the rule it breaks. */
export function parseWav(file: Buffer): Int16Array {
  const field = 'file';
  if (
    file.length < 12 ||
    file.toString('latin1', 0, 4) !== 'RIFF' ||
    file.toString('latin1', 8, 12) !== 'WAVE'
  )
    throw new AudioSourceError(field, 'the audio source must be a WAV file (RIFF/WAVE header)');
  let format: { code: number; channels: number; rate: number; bits: number } | null = null;
  let data: Buffer | null = null;
  for (let at = 12; at + 8 <= file.length;) {
    const id = file.toString('latin1', at, at + 4);
    const size = file.readUInt32LE(at + 4);
    const body = file.subarray(at + 8, Math.min(file.length, at + 8 + size));
    if (id === 'fmt ' && body.length >= 16)
      format = {
        code: body.readUInt16LE(0),
        channels: body.readUInt16LE(2),
        rate: body.readUInt32LE(4),
        bits: body.readUInt16LE(14),
      };
    if (id === 'data') data = body;
    at += 8 + size + (size % 2); // chunks are padded to an even length
  }
  if (!format || !data) throw new AudioSourceError(field, 'the WAV file has no "fmt " or no "data" chunk');
  const rule =
    'it must be 8000 Hz mono, 16-bit PCM or 8-bit G.711 µ-law/A-law (convert it with e.g. sox in.wav -r 8000 -c 1 -b 16 out.wav)';
  if (format.channels !== 1)
    throw new AudioSourceError(field, `the WAV file has ${format.channels} channels: ${rule}`);
  if (format.rate !== SAMPLE_RATE)
    throw new AudioSourceError(field, `the WAV file is sampled at ${format.rate} Hz: ${rule}`);
  const pcm16 = format.code === WAVE_FORMAT.pcm && format.bits === 16;
  const law = (format.code === WAVE_FORMAT.ulaw || format.code === WAVE_FORMAT.alaw) && format.bits === 8;
  if (!pcm16 && !law)
    throw new AudioSourceError(
      field,
      `the WAV file is format ${format.code} with ${format.bits} bits per sample: ${rule}`,
    );
  const count = pcm16 ? data.length >> 1 : data.length;
  if (count < SAMPLE_RATE / 10)
    throw new AudioSourceError(field, 'the WAV file holds less than 100 ms of audio');
  const samples = new Int16Array(count);
  if (pcm16) for (let i = 0; i < count; i++) samples[i] = data.readInt16LE(i * 2);
  else {
    const decode = format.code === WAVE_FORMAT.ulaw ? ulawToLinear : alawToLinear;
    for (let i = 0; i < count; i++) samples[i] = decode(data[i]);
  }
  return samples;
}

/** A WAV file of 16-bit PCM at 8 kHz mono (tests, and what the API hands back). */
export function wavOf(
  samples: Int16Array,
  code: number = WAVE_FORMAT.pcm,
  rate = SAMPLE_RATE,
  channels = 1,
): Buffer {
  const bits = code === WAVE_FORMAT.pcm ? 16 : 8;
  const data = Buffer.alloc(samples.length * (bits / 8));
  for (let i = 0; i < samples.length; i++) {
    if (bits === 16) data.writeInt16LE(samples[i], i * 2);
    else data[i] = samples[i] & 0xff;
  }
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8, 'latin1');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(code, 20);
  header.writeUInt16LE(channels, 22);
  header.writeUInt32LE(rate, 24);
  header.writeUInt32LE((rate * channels * bits) / 8, 28);
  header.writeUInt16LE((channels * bits) / 8, 32);
  header.writeUInt16LE(bits, 34);
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}
