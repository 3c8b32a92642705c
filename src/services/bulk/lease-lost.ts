/**
 * A fenced write of a bulk job found that this node no longer holds the job: another node took
 * it over (this one was silent longer than the lease). The write did not happen; in a transaction
 * (a device switch with its item's step) everything with it rolls back.
 */
export class LeaseLost extends Error {
  constructor(
    readonly jobId: string,
    readonly node: string,
  ) {
    super(
      `bulk job ${jobId} is no longer held by node ${node}: another node took it over after ${node}'s lease ran out; ${node} stops working on it`,
    );
  }
}
