import type { Generated } from 'kysely';

/** Tables as Kysely sees them. Booleans are 0/1 integers and times ISO-8601 text on both dialects. */
export interface Schema {
  enterprise_parameters: { name: string; value: string };
  nodes: {
    name: string;
    auto_registration_enabled: number;
    starting_dn: string;
    ending_dn: string;
    /** When auto-registration was last switched on or off (for the "still on after N days" advice). */
    auto_registration_changed_at: string;
  };
  devices: {
    name: string;
    model: string;
    protocol: string;
    description: string;
    load_id: string | null;
    created_at: string;
    status: string;
    status_node: string | null;
    ip_address: string | null;
    active_load_id: string | null;
    status_changed_at: string | null;
  };
  directory_numbers: { dn: string; created_at: string };
  lines: { device_name: string; line_index: number; dn: string };
  registration_events: {
    id: Generated<number>;
    at: string;
    device_name: string;
    protocol: string;
    address: string;
    node: string;
    outcome: string;
    reason: string;
    message: string;
    remedy: string | null;
  };
  users: { name: string; password_hash: string; role: string; created_at: string };
}
