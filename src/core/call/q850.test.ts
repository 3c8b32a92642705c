import { describe, expect, it } from 'vitest';
import { CAUSES, causeOfSipStatus, Q850, sipStatusOfCause } from './q850.js';

describe('Q.850 causes and SIP statuses (calls.md §2.6)', () => {
  it('gives every cause of the catalogue its facts', () => {
    for (const cause of Object.values(Q850)) expect(CAUSES[cause].text.length).toBeGreaterThan(0);
  });

  it.each([
    [Q850.unallocatedNumber, 404],
    [Q850.userBusy, 486],
    [Q850.noUserResponding, 408],
    [Q850.noAnswer, 480],
    [Q850.subscriberAbsent, 480],
    [Q850.destinationOutOfOrder, 502],
    [Q850.invalidNumberFormat, 484],
    [Q850.noCircuitAvailable, 503],
    [Q850.temporaryFailure, 503],
    [Q850.bearerCapabilityNotImplemented, 488],
    [Q850.recoveryOnTimerExpiry, 504],
    [Q850.interworking, 500],
  ])('cause %i answers an INVITE with %i', (cause, status) => {
    expect(sipStatusOfCause(cause)).toBe(status);
  });

  it('ends a call by BYE or CANCEL, not a status, for normal clearing and answered elsewhere', () => {
    expect(sipStatusOfCause(Q850.normalClearing)).toBeNull();
    expect(sipStatusOfCause(Q850.nonSelectedUserClearing)).toBeNull();
  });

  it.each([
    [404, 1],
    [604, 1],
    [486, 17],
    [600, 17],
    [408, 102],
    [504, 102],
    [480, 18],
    [484, 28],
    [502, 27],
    [503, 41],
    [603, 21],
    [488, 65],
    [415, 127],
  ])('a callee answering %i records cause %i', (status, cause) => {
    expect(causeOfSipStatus(status)).toBe(cause);
  });
});
