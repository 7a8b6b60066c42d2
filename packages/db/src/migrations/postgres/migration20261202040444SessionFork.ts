import { Migration } from '@mikro-orm/migrations';

export class Migration20261202040444_SessionFork extends Migration {
  override name = 'Migration20261202040444_SessionFork';

  override up(): void | Promise<void> {
    this.addSql(`alter table "agentmint_sessions" add "forked_from_session_id" varchar(255) null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "agentmint_sessions" drop column "forked_from_session_id";`);
  }
}
