/** One call manager as a phone's configuration lists it (provisioning.md §2.1 callManagerGroup). */
export interface CallManagerEntry {
  name: string;
  address: string;
  sccpPort: number;
  sipPort: number | null;
  /** SIP over TLS port the node announced; absent or null: the SIP port + 1 (5061 beside 5060). */
  sipTlsPort?: number | null;
}

/** Where a call manager takes SIP over TLS: the port it announced, else its SIP port + 1. */
export function securedSipPort(e: CallManagerEntry): number {
  return e.sipTlsPort ?? (e.sipPort ?? 5060) + 1;
}

/** `callManagerGroup/members/member priority=N/callManager`, in priority order. */
export function callManagerGroup(groupName: string, entries: CallManagerEntry[]) {
  return {
    name: groupName,
    members: {
      member: entries.map((e, priority) => ({
        '@_priority': String(priority),
        callManager: {
          name: e.name,
          description: e.name,
          ports: {
            ethernetPhonePort: e.sccpPort,
            ...(e.sipPort !== null ? { sipPort: e.sipPort, securedSipPort: securedSipPort(e) } : {}),
          },
          processNodeName: e.address,
        },
      })),
    },
  };
}
