/**
 * When to act on work that arrives together (lookups, auto-registrations of a storm): as soon as
 * the promise continuations running now are done, if `ready()` says enough has gathered by then,
 * else at the end of the event-loop turn, when every packet read in it has had its say.
 *
 * Work that follows one earlier answer (the phones of one lookup, one batch from an SCCP worker)
 * arrives in one cascade of continuations and is then worth acting on without waiting a turn;
 * work that arrives packet by packet needs the turn to gather.
 */
export function whenGathered(ready: () => boolean, run: () => void): void {
  process.nextTick(() => {
    if (ready()) run();
    else setImmediate(run);
  });
}
