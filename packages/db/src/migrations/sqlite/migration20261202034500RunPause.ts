import { Migration } from '@mikro-orm/migrations';

export class Migration20261202034500_RunPause extends Migration {
  override name = 'Migration20261202034500_RunPause';

  override up(): void | Promise<void> {
    this.addSql(`alter table \`agentmint_runs\` add column \`pause\` json null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table \`agentmint_runs\` drop column \`pause\`;`);
  }
}
