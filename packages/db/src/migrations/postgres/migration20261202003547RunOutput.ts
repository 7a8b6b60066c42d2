import { Migration } from '@mikro-orm/migrations';

export class Migration20261202003547_RunOutput extends Migration {
  override name = 'Migration20261202003547_RunOutput';

  override up(): void | Promise<void> {
    this.addSql(`alter table "agentmint_runs" add "output" jsonb null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "agentmint_runs" drop column "output";`);
  }
}
