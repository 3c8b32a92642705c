/**
 * The PostgreSQL objects besides tables that cluster propagation uses (migration 0015): the
 * configuration notification function, its triggers and the version sequence. A restore drops
 * them with the tables, since the dump it loads creates them again.
 */

/** Where configuration changes are announced (docs/cluster.md). */
export const CONFIG_CHANNEL = 'openucm_config';
/** Every configuration notification takes the next value: the cluster's configuration version. */
export const CONFIG_VERSION_SEQUENCE = 'openucm_config_version';

/**
 * The `application_name` of a node's connections: the trigger copies it into each notification as
 * `from`, so that a node knows its own changes (it told its LiveEvents already).
 */
export function applicationNameOf(nodeName: string): string {
  return `openucm:${nodeName}`;
}

/**
 * Sends `{"what","name","v","from"}` on openucm_config for the changed row, in the writing
 * transaction: PostgreSQL delivers it only if that commits. Keys only, never data (8,000-byte cap).
 */
export const CONFIG_NOTIFY_FUNCTION = `
CREATE OR REPLACE FUNCTION openucm_notify_config() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  r record;
  kind text;
  key text;
BEGIN
  IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
  CASE TG_TABLE_NAME
    WHEN 'enterprise_parameters' THEN kind := 'enterprise-parameters'; key := r.name;
    WHEN 'nodes' THEN kind := 'node'; key := r.name;
    WHEN 'devices' THEN kind := 'device'; key := r.name;
    WHEN 'lines' THEN kind := 'device'; key := r.device_name;
    WHEN 'sip_credentials' THEN kind := 'device'; key := r.device_name;
    WHEN 'directory_numbers' THEN kind := 'directory-number'; key := r.dn;
    WHEN 'device_defaults' THEN kind := 'device-defaults'; key := r.model || '/' || r.protocol;
    ELSE kind := TG_TABLE_NAME; key := '';
  END CASE;
  PERFORM pg_notify('${CONFIG_CHANNEL}', json_build_object(
    'what', kind, 'name', key, 'v', nextval('${CONFIG_VERSION_SEQUENCE}'),
    'from', current_setting('application_name', true))::text);
  RETURN NULL;
END
$$`;

/**
 * The tables whose rows node caches hold, and the writes that change what they hold. Status and
 * heartbeat columns are left out: they travel on openucm_status and openucm_nodes.
 */
export const CONFIGURATION_TRIGGERS: readonly { table: string; events: string }[] = [
  { table: 'enterprise_parameters', events: 'INSERT OR UPDATE OR DELETE' },
  {
    table: 'nodes',
    events:
      'INSERT OR DELETE OR UPDATE OF auto_registration_enabled, starting_dn, ending_dn, auto_registration_guard, address, sccp_port, sip_port',
  },
  { table: 'devices', events: 'INSERT OR DELETE OR UPDATE OF model, protocol, description, load_id, dnd' },
  { table: 'lines', events: 'INSERT OR UPDATE OR DELETE' },
  {
    table: 'directory_numbers',
    events: 'INSERT OR DELETE OR UPDATE OF forward_all, forward_busy, forward_no_answer, pickup_group',
  },
  { table: 'device_defaults', events: 'INSERT OR UPDATE OR DELETE' },
  { table: 'sip_credentials', events: 'INSERT OR UPDATE OR DELETE' },
];

/** Dropped before a restore loads a dump (which creates them again). */
export const CLUSTER_OBJECTS_DROP_SQL = `drop function if exists openucm_notify_config() cascade;\ndrop sequence if exists ${CONFIG_VERSION_SEQUENCE};\n`;
