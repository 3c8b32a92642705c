import type { Logger } from 'pino';
import type { CallManagerChoice } from '../core/call-manager-order.js';

/**
 * Says in the log when a Unified CM Group has no usable member and configuration files list the
 * rendering node instead, and when the group has members again: once per change, not per file.
 */
export class CallManagerFallbacks {
  private readonly falling = new Map<string, string>();

  constructor(private readonly logger: Logger) {}

  report(group: string, choice: CallManagerChoice, self: string): void {
    if (choice.kind === 'members') {
      if (this.falling.delete(group))
        this.logger.info(
          { cmGroup: group, callManagers: choice.names },
          `Cisco Unified CM Group ${group} has running members again (${choice.names.join(', ')}); configuration files list them`,
        );
      return;
    }
    const key = choice.dropped.join(',');
    if (this.falling.get(group) === key) return;
    this.falling.set(group, key);
    const why =
      choice.dropped.length > 0
        ? `none of its members (${choice.dropped.join(', ')}) is running or has announced where it listens`
        : 'it has no members';
    this.logger.warn(
      { cmGroup: group, dropped: choice.dropped, node: self },
      `Cisco Unified CM Group ${group}: ${why}, so configuration files list this node (${self}) instead; ` +
        'start a member, or add running nodes under System > Cisco Unified CM Group',
    );
  }
}
