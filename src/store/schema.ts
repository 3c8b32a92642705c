import type { Generated } from 'kysely';
import type { CallDetailRecord } from '../core/call/cdr.js';

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
    /** Address and ports the node last announced (config files list them); null until it started once. */
    address: string | null;
    sccp_port: number | null;
    sip_port: number | null;
    /** SIP over TLS port the node announced (null: no TLS listener); migration 0021. */
    sip_tls_port: Generated<number | null>;
    /** When the node last said it is running (ISO-8601); null once it stopped cleanly. */
    heartbeat_at: string | null;
    /** When another node declared this one down, its heartbeat silent (ISO-8601); null while it beats. */
    down_at: string | null;
    /** The auto-registration guard as JSON (core/auto-registration-guard); null: open. */
    auto_registration_guard: string | null;
    /** The device pool this node's auto-registered phones get. */
    auto_registration_pool: Generated<string>;
    /** The node's number (globalCallID_callManagerId of its CDRs); given at its first start. */
    number: number | null;
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
    /** Do Not Disturb, 0/1. */
    dnd: Generated<number>;
    /** System > Device Pool the device belongs to. */
    device_pool: Generated<string>;
    /** System > Security > Phone Security Profile of the device. */
    security_profile: Generated<string>;
  };
  directory_numbers: {
    dn: string;
    created_at: string;
    /** Forward targets (null = off) and Call Pickup Group number (null = none): the DN's own. */
    forward_all: Generated<string | null>;
    forward_busy: Generated<string | null>;
    forward_no_answer: Generated<string | null>;
    pickup_group: Generated<string | null>;
  };
  lines: {
    device_name: string;
    line_index: number;
    dn: string;
    /** Display (Caller ID), '' = none; Line Text Label, '' = the DN. */
    display_name: Generated<string>;
    text_label: Generated<string>;
    max_calls: Generated<number>;
    busy_trigger: Generated<number>;
  };
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
    /** Attempts the event stands for (identical refusals folded into one event). */
    attempt_count: Generated<number>;
    /** Time of the last of them; null for an event never folded. */
    last_at: string | null;
    /** Identifies a folded refusal across the updates of its count; null for an event never folded. */
    repeat_key: string | null;
    /** The IP part of `address` (null in events older than this column). */
    source_ip: string | null;
  };
  device_defaults: { model: string; protocol: string; load_id: string | null; device_pool: string };
  users: {
    name: string;
    password_hash: string;
    role: string;
    created_at: string;
    /** Consecutive failed sign-ins since the last success or lock-out. */
    failed_logins: Generated<number>;
    /** Sign-in refused until this time (ISO-8601); null when not locked. */
    locked_until: string | null;
  };
  /** Browser sessions; `id` is the SHA-256 (hex) of the token in the cookie. */
  sessions: {
    id: string;
    user_name: string;
    csrf_token: string;
    created_at: string;
    expires_at: string;
    last_seen_at: string;
  };
  /** API keys for scripts; only the SHA-256 (hex) of the secret is kept. */
  api_keys: {
    id: string;
    user_name: string;
    label: string;
    secret_hash: string;
    created_at: string;
    last_used_at: string | null;
  };
  /** Who changed what, when; `changes` is JSON [{field, old, new}]. */
  audit_log: {
    id: Generated<number>;
    at: string;
    user_name: string;
    via: string;
    action: string;
    target: string;
    target_name: string;
    changes: string;
    summary: string;
  };
  admin_settings: { name: string; value: string };
  /** Bulk Administration jobs (Migrate Phones); `options` and `notes` are JSON. */
  bulk_jobs: {
    id: string;
    kind: string;
    status: string;
    node: string;
    scheduled_at: string | null;
    created_by: string;
    options: string;
    notes: string;
    message: string | null;
    created_at: string;
    started_at: string | null;
    finished_at: string | null;
    /** The node running the job now (it holds the lease); null: nobody yet. */
    runner: string | null;
    /** ISO time the runner's lease ends unless renewed; null or past: any node may take the job. */
    lease_until: string | null;
  };
  /** One phone of a bulk job: the step it reached and its state there; `plan` is JSON. */
  bulk_job_items: {
    job_id: string;
    position: number;
    device_name: string;
    step: string;
    state: string;
    reason: string | null;
    plan: string;
    started_at: string | null;
    updated_at: string;
    finished_at: string | null;
  };
  /** SIP digest credentials of devices: HA1 values, and the password sealed with the node's secret key. */
  sip_credentials: {
    username: string;
    device_name: string;
    realm: string;
    ha1_md5: string;
    ha1_sha256: string;
    created_at: string;
    /** SecretBox.seal(password): the configuration files carry the password; null for credentials set before. */
    password_sealed: string | null;
    updated_at: string | null;
  };
  /** Passwords a migrate job generated, until an administrator collects them (once). */
  sip_password_handouts: {
    job_id: string;
    device_name: string;
    username: string;
    password_sealed: string;
    created_at: string;
  };
  /** Unknown phones held by the auto-registration guard for an administrator's approval. */
  pending_phones: {
    device_name: string;
    model: string;
    protocol: string;
    source_ip: string;
    /** The node the phone asked (whose guard holds it). */
    node: string;
    /** pending, accepted (auto-registers at its next attempt) or refused (stays refused). */
    state: string;
    first_seen_at: string;
    last_seen_at: string;
    attempts: Generated<number>;
    decided_by: string | null;
    decided_at: string | null;
  };
  /**
   * Call Detail Records with CUCM's field names as columns (numbers read from PostgreSQL's bigint
   * columns arrive as strings: the repository converts them); `node` wrote the record.
   */
  call_detail_records: { id: Generated<number>; node: string } & Omit<CallDetailRecord, 'cdrRecordType'> & {
      cdrRecordType: number;
    };
  /** System > Cisco Unified CM Group; `auto_registration` 0/1, set on exactly one group. */
  cm_groups: { name: string; description: string; auto_registration: number };
  /** A group's call managers: `priority` 0 is the primary, then 1 and 2. */
  cm_group_members: { group_name: string; priority: number; node_name: string };
  /** System > Device Pool: its Cisco Unified CM Group. */
  device_pools: { name: string; description: string; cm_group: string };
  /** System > Security > Phone Security Profile (core/phone-security-profile.ts). */
  phone_security_profiles: {
    name: string;
    description: string;
    device_security_mode: string;
    transport_type: string;
    media_encryption_fallback: string;
  };
}
