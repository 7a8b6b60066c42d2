import { Migration } from '@mikro-orm/migrations';

export class Migration20261202015729_MessageAttachments extends Migration {
  override name = 'Migration20261202015729_MessageAttachments';

  override up(): void | Promise<void> {
    this.addSql(`alter table \`agentmint_messages\` add column \`attachments\` json null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table \`agentmint_messages\` drop column \`attachments\`;`);
  }
}
