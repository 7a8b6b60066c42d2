import { Migration } from '@mikro-orm/migrations';

// The lease sweep only asks about unfinished runs, so its index keeps only them: a run's finish
// then deletes its entry instead of moving it to the ever-growing finished part of the B-tree, and
// a commit dirties one small index's leaf, not two leaves of a large one. The sweep's query names
// the same literal statuses, which is what lets SQLite's planner use a partial index.
export class Migration20261202140000_ActiveRunsLeaseIndex extends Migration {
  override name = 'Migration20261202140000_ActiveRunsLeaseIndex';

  override up(): void | Promise<void> {
    this.addSql(`drop index \`agentmint_runs_status_lease_expires_at_index\`;`);
    this.addSql(
      `create index \`agentmint_runs_status_lease_expires_at_index\` on \`agentmint_runs\` (\`status\`, \`lease_expires_at\`) where \`status\` in ('PENDING', 'RUNNING');`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index \`agentmint_runs_status_lease_expires_at_index\`;`);
    this.addSql(
      `create index \`agentmint_runs_status_lease_expires_at_index\` on \`agentmint_runs\` (\`status\`, \`lease_expires_at\`);`,
    );
  }
}
