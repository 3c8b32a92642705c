import { SccpStation } from '../../src/sim/sccp-station.js';

/**
 * An SCCP phone that registers to `port` and, when refused or cut off, tries again 200 ms later,
 * as a real one does. Every station it opens is pushed to `stations` (for the test to destroy);
 * every failed try is pushed to `retried` as "name: what happened".
 */
export async function registerUntilAccepted(
  port: number,
  name: string,
  stations: SccpStation[],
  retried: string[],
): Promise<SccpStation> {
  for (;;) {
    const station = new SccpStation({ deviceName: name, deviceType: 8 });
    stations.push(station);
    try {
      await station.connect('127.0.0.1', port);
      const outcome = await station.register();
      if (outcome.kind === 'registered') return station;
      retried.push(`${name}: ${JSON.stringify(outcome)}`);
    } catch (error) {
      retried.push(`${name}: ${String(error)}`);
    }
    station.destroy();
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
