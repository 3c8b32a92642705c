/**
 * The node's open conferences and the party calls each still has, so that the call service knows
 * when one drops to two parties (joined directly, the bridge released) or to none (ended).
 */
export class ConferenceRegistry {
  private readonly parties = new Map<number, Set<number>>();
  private readonly conferenceOf = new Map<number, number>();
  /** Conferences being reduced to a direct call: their parties' calls end on purpose. */
  private readonly reducing = new Set<number>();

  add(conference: number, callIds: readonly number[]): void {
    this.parties.set(conference, new Set(callIds));
    for (const id of callIds) this.conferenceOf.set(id, conference);
  }

  /** A party's call ended: its conference and the party calls left, or null for another call. */
  left(callId: number): { conference: number; remaining: number[]; reducing: boolean } | null {
    const conference = this.conferenceOf.get(callId);
    if (conference === undefined) return null;
    this.conferenceOf.delete(callId);
    const parties = this.parties.get(conference);
    parties?.delete(callId);
    const remaining = [...(parties ?? [])];
    const reducing = this.reducing.has(conference);
    if (remaining.length === 0) {
      this.parties.delete(conference);
      this.reducing.delete(conference);
    }
    return { conference, remaining, reducing };
  }

  /** The conference is being joined down to a direct call of its last two parties. */
  reduce(conference: number): void {
    this.reducing.add(conference);
  }

  /** The reduction did not happen: the parties stay in the bridge. */
  keep(conference: number): void {
    this.reducing.delete(conference);
  }

  /** Conferences open now. */
  get size(): number {
    return this.parties.size;
  }
}
