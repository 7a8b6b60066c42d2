import { Migration } from '@mikro-orm/migrations';

export class Migration20261202010825_RunLeases extends Migration {
  override name = 'Migration20261202010825_RunLeases';

  override up(): void | Promise<void> {
    this.addSql(
      `alter table "agentmint_runs" add "owner_id" varchar(64) null, add "lease_expires_at" timestamptz null;`,
    );
    this.addSql(
      `create index "agentmint_runs_status_lease_expires_at_index" on "agentmint_runs" ("status", "lease_expires_at");`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "agentmint_runs_status_lease_expires_at_index";`);
    this.addSql(
      `alter table "agentmint_runs" drop column "owner_id", drop column "lease_expires_at";`,
    );
  }
}
