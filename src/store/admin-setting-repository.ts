import type { Executor } from './executor.js';

/** Settings of the administration itself (not of phones), as name/value text. */
export class AdminSettingRepository {
  constructor(private readonly db: Executor) {}

  async all(): Promise<Record<string, string>> {
    const rows = await this.db.selectFrom('admin_settings').selectAll().execute();
    return Object.fromEntries(rows.map((r) => [r.name, r.value]));
  }

  async set(name: string, value: string): Promise<void> {
    await this.db
      .insertInto('admin_settings')
      .values({ name, value })
      .onConflict((oc) => oc.column('name').doUpdateSet({ value }))
      .execute();
  }
}
