import type { CallCommand, CallTimer, LegCommand } from './call-command.js';
import type { Call, Leg } from './call.js';
import type { MediaTarget } from './media.js';

/** The commands one transition emits, in order. */
export class Step {
  readonly commands: CallCommand[] = [];

  constructor(
    readonly now: number,
    /** Where the node streams music on hold from (CallContext.musicSource). */
    readonly musicSource: MediaTarget | null = null,
  ) {}

  tell(leg: Leg, ...commands: LegCommand[]): void {
    for (const command of commands) this.commands.push({ kind: 'leg', leg: leg.id, command });
  }

  startTimer(timer: CallTimer): void {
    this.commands.push({ kind: 'start-timer', timer });
  }

  stopTimer(timer: CallTimer): void {
    this.commands.push({ kind: 'stop-timer', timer });
  }

  route(dn: string): void {
    this.commands.push({ kind: 'route', dn });
  }

  pickup(group: string | null): void {
    this.commands.push({ kind: 'pickup', group });
  }

  released(): void {
    this.commands.push({ kind: 'released' });
  }
}

export function legById(call: Call, id: number): Leg | undefined {
  return call.legs.find((leg) => leg.id === id);
}
