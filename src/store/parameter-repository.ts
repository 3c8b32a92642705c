import type { EnterpriseParameters } from '../core/enterprise-parameters.js';
import { DEFAULT_ENTERPRISE_PARAMETERS } from '../core/enterprise-parameters.js';
import type { Executor } from './executor.js';

/** Enterprise parameters, one row per parameter; missing rows read as the defaults. */
export class ParameterRepository {
  constructor(private readonly db: Executor) {}

  async get(): Promise<EnterpriseParameters> {
    const rows = await this.db.selectFrom('enterprise_parameters').selectAll().execute();
    const values = { ...DEFAULT_ENTERPRISE_PARAMETERS } as Record<string, string>;
    for (const row of rows) if (row.name in values) values[row.name] = row.value;
    return values as unknown as EnterpriseParameters;
  }

  async set(changes: Partial<EnterpriseParameters>): Promise<void> {
    for (const [name, value] of Object.entries(changes)) {
      if (value === undefined) continue;
      await this.db
        .insertInto('enterprise_parameters')
        .values({ name, value: String(value) })
        .onConflict((oc) => oc.column('name').doUpdateSet({ value: String(value) }))
        .execute();
    }
  }
}
