import { Migration } from '@mikro-orm/migrations';

export class Migration20261202064906_DropUnusedRunIndexes extends Migration {
  override name = 'Migration20261202064906_DropUnusedRunIndexes';

  override up(): void | Promise<void> {
    this.addSql(`drop index "agentmint_runs_agent_id_created_at_index";`);
    this.addSql(`drop index "agentmint_runs_user_id_created_at_index";`);
  }

  override down(): void | Promise<void> {
    this.addSql(
      `create index "agentmint_runs_agent_id_created_at_index" on "agentmint_runs" ("agent_id", "created_at");`,
    );
    this.addSql(
      `create index "agentmint_runs_user_id_created_at_index" on "agentmint_runs" ("user_id", "created_at");`,
    );
  }
}
