/**
 * The intra-cluster trunk as the call service sees it (docs/cluster-calls.md): one device per other
 * node, of protocol `trunk`, named after that node. Calls, Active Calls and the logs show the name.
 */
const PREFIX = 'TRUNK_';

/** The trunk device reaching node `node`. */
export function trunkDeviceName(node: string): string {
  return `${PREFIX}${node}`;
}

/** The node a trunk device reaches, or null when `deviceName` is no trunk's. */
export function nodeOfTrunk(deviceName: string): string | null {
  return deviceName.startsWith(PREFIX) ? deviceName.slice(PREFIX.length) : null;
}
