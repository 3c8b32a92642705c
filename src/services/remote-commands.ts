import type { ResetType } from './live-registry.js';

/**
 * Commands for a phone registered on another node of the cluster: the owning node acts on its own
 * connection (a cluster sends them on openucm_command; a node alone has none to send).
 */
export interface RemoteCommands {
  send(node: string, device: string, action: ResetType): Promise<void>;
}
