/**
 * Test tones for the conference: a phone (the simulator, a test) sends a sine of its own frequency
 * and tells which of a small set of frequencies it hears (Goertzel), so that "each party hears the
 * other two and not itself" is checked on real audio.
 */
import { FRAME_SAMPLES } from './music-streams.js';
import { goertzel } from './goertzel.js';

/** A 20 ms frame of a sine at `hz`, continuing from sample `from` (so that frames join without clicks). */
export function toneFrame(hz: number, from: number, amplitude = 6000): Int16Array {
  const frame = new Int16Array(FRAME_SAMPLES);
  for (let i = 0; i < FRAME_SAMPLES; i++)
    frame[i] = Math.round(amplitude * Math.sin((2 * Math.PI * hz * (from + i)) / 8000));
  return frame;
}

/** Below this amplitude a tone is not heard: G.711 quantisation noise and leakage stay far under it. */
const HEARD_AMPLITUDE = 500;

/** The candidate frequencies present in `samples` (best with 200 ms or more: 5 Hz resolution). */
export function heardTones(samples: ArrayLike<number>, candidates: readonly number[]): number[] {
  if (samples.length === 0) return [];
  // Goertzel's power of a sine of amplitude A over N samples is A²·N/4.
  return candidates.filter((hz) => 2 * Math.sqrt(goertzel(samples, hz) / samples.length) > HEARD_AMPLITUDE);
}
