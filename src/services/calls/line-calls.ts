/**
 * How many live calls each device holds, in all and per line appearance (CUCM counts "Maximum
 * Number of Calls" and "Busy Trigger" per line of a device). Counted as legs open and end, so
 * routing never scans the node's legs.
 */
export class LineCalls {
  private readonly perDevice = new Map<string, number>();
  private readonly perLine = new Map<string, number>();

  add(deviceName: string, line: number): void {
    bump(this.perDevice, deviceName, 1);
    bump(this.perLine, lineKey(deviceName, line), 1);
  }

  remove(deviceName: string, line: number): void {
    bump(this.perDevice, deviceName, -1);
    bump(this.perLine, lineKey(deviceName, line), -1);
  }

  onDevice(deviceName: string): number {
    return this.perDevice.get(deviceName) ?? 0;
  }

  onLine(deviceName: string, line: number): number {
    return this.perLine.get(lineKey(deviceName, line)) ?? 0;
  }
}

function lineKey(deviceName: string, line: number): string {
  return `${deviceName}\n${line}`;
}

function bump(counts: Map<string, number>, key: string, by: number): void {
  const next = (counts.get(key) ?? 0) + by;
  if (next > 0) counts.set(key, next);
  else counts.delete(key);
}
