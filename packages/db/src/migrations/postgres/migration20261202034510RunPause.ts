import { Migration } from '@mikro-orm/migrations';

export class Migration20261202034510_RunPause extends Migration {
  override name = 'Migration20261202034510_RunPause';

  override up(): void | Promise<void> {
    this.addSql(`alter table "agentmint_runs" add "pause" jsonb null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "agentmint_runs" drop column "pause";`);
  }
}
