/** One call manager as a phone's configuration lists it (provisioning.md §2.1 callManagerGroup). */
export interface CallManagerEntry {
  name: string;
  address: string;
  sccpPort: number;
  sipPort: number | null;
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
            ...(e.sipPort !== null ? { sipPort: e.sipPort, securedSipPort: e.sipPort + 1 } : {}),
          },
          processNodeName: e.address,
        },
      })),
    },
  };
}
