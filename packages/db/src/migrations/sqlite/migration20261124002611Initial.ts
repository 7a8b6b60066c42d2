import { Migration } from '@mikro-orm/migrations';

export class Migration20261124002611_Initial extends Migration {
  override name = 'Migration20261124002611_Initial';

  override up(): void | Promise<void> {
    this.addSql(
      `create table \`agentmint_sessions\` (\`id\` text not null primary key, \`agent_id\` text not null, \`user_id\` text null, \`name\` text null, \`state\` json not null, \`created_at\` datetime not null, \`updated_at\` datetime not null);`,
    );
    this.addSql(
      `create index \`agentmint_sessions_user_id_updated_at_index\` on \`agentmint_sessions\` (\`user_id\`, \`updated_at\`);`,
    );
    this.addSql(
      `create index \`agentmint_sessions_agent_id_updated_at_index\` on \`agentmint_sessions\` (\`agent_id\`, \`updated_at\`);`,
    );

    this.addSql(
      `create table \`agentmint_runs\` (\`id\` text not null primary key, \`session_id\` text not null, \`seq\` integer not null, \`agent_id\` text not null, \`user_id\` text null, \`status\` text not null, \`input\` text not null, \`factory_input\` json null, \`content\` text null, \`model\` text null, \`model_provider\` text null, \`metrics\` json null, \`error\` json null, \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`agentmint_runs_session_id_foreign\` foreign key (\`session_id\`) references \`agentmint_sessions\` (\`id\`) on delete cascade);`,
    );
    this.addSql(
      `create index \`agentmint_runs_session_id_seq_index\` on \`agentmint_runs\` (\`session_id\`, \`seq\`);`,
    );
    this.addSql(
      `create index \`agentmint_runs_user_id_created_at_index\` on \`agentmint_runs\` (\`user_id\`, \`created_at\`);`,
    );
    this.addSql(
      `create index \`agentmint_runs_agent_id_created_at_index\` on \`agentmint_runs\` (\`agent_id\`, \`created_at\`);`,
    );

    this.addSql(
      `create table \`agentmint_run_events\` (\`run_id\` text not null, \`seq\` integer not null, \`name\` text not null, \`payload\` json not null, primary key (\`run_id\`, \`seq\`), constraint \`agentmint_run_events_run_id_foreign\` foreign key (\`run_id\`) references \`agentmint_runs\` (\`id\`) on delete cascade);`,
    );

    this.addSql(
      `create table \`agentmint_messages\` (\`run_id\` text not null, \`seq\` integer not null, \`session_id\` text not null, \`role\` text not null, \`content\` text null, \`tool_calls\` json null, \`tool_call_id\` text null, \`tool_name\` text null, \`is_error\` integer null, primary key (\`run_id\`, \`seq\`), constraint \`agentmint_messages_run_id_foreign\` foreign key (\`run_id\`) references \`agentmint_runs\` (\`id\`) on delete cascade);`,
    );
  }

  override down(): void | Promise<void> {
    // Children first: dropping a parent would otherwise cascade row by row.
    this.addSql(`drop table if exists \`agentmint_messages\`;`);
    this.addSql(`drop table if exists \`agentmint_run_events\`;`);
    this.addSql(`drop table if exists \`agentmint_runs\`;`);
    this.addSql(`drop table if exists \`agentmint_sessions\`;`);
  }
}
