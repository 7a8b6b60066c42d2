import { Migration } from '@mikro-orm/migrations';

export class Migration20261202003538_RunOutput extends Migration {
  override name = 'Migration20261202003538_RunOutput';

  override up(): void | Promise<void> {
    this.addSql(`alter table \`agentmint_runs\` add column \`output\` json null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table \`agentmint_runs\` drop column \`output\`;`);
  }
}
