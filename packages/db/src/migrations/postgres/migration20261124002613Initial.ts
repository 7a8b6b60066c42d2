import { Migration } from '@mikro-orm/migrations';

export class Migration20261124002613_Initial extends Migration {
  override name = 'Migration20261124002613_Initial';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "agentmint_sessions" ("id" varchar(255) not null, "agent_id" varchar(255) not null, "user_id" varchar(255) null, "name" text null, "state" jsonb not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(
      `create index "agentmint_sessions_user_id_updated_at_index" on "agentmint_sessions" ("user_id", "updated_at");`,
    );
    this.addSql(
      `create index "agentmint_sessions_agent_id_updated_at_index" on "agentmint_sessions" ("agent_id", "updated_at");`,
    );

    this.addSql(
      `create table "agentmint_runs" ("id" varchar(255) not null, "session_id" varchar(255) not null, "seq" int not null, "agent_id" varchar(255) not null, "user_id" varchar(255) null, "status" varchar(16) not null, "input" text not null, "factory_input" jsonb null, "content" text null, "model" varchar(255) null, "model_provider" varchar(255) null, "metrics" jsonb null, "error" jsonb null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(
      `create index "agentmint_runs_session_id_seq_index" on "agentmint_runs" ("session_id", "seq");`,
    );
    this.addSql(
      `create index "agentmint_runs_user_id_created_at_index" on "agentmint_runs" ("user_id", "created_at");`,
    );
    this.addSql(
      `create index "agentmint_runs_agent_id_created_at_index" on "agentmint_runs" ("agent_id", "created_at");`,
    );

    this.addSql(
      `create table "agentmint_run_events" ("run_id" varchar(255) not null, "seq" int not null, "name" varchar(32) not null, "payload" jsonb not null, primary key ("run_id", "seq"));`,
    );

    this.addSql(
      `create table "agentmint_messages" ("run_id" varchar(255) not null, "seq" int not null, "session_id" varchar(255) not null, "role" varchar(16) not null, "content" text null, "tool_calls" jsonb null, "tool_call_id" varchar(255) null, "tool_name" varchar(255) null, "is_error" boolean null, primary key ("run_id", "seq"));`,
    );

    this.addSql(
      `alter table "agentmint_runs" add constraint "agentmint_runs_session_id_foreign" foreign key ("session_id") references "agentmint_sessions" ("id") on delete cascade;`,
    );

    this.addSql(
      `alter table "agentmint_run_events" add constraint "agentmint_run_events_run_id_foreign" foreign key ("run_id") references "agentmint_runs" ("id") on delete cascade;`,
    );

    this.addSql(
      `alter table "agentmint_messages" add constraint "agentmint_messages_run_id_foreign" foreign key ("run_id") references "agentmint_runs" ("id") on delete cascade;`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(
      `alter table "agentmint_runs" drop constraint "agentmint_runs_session_id_foreign";`,
    );
    this.addSql(
      `alter table "agentmint_run_events" drop constraint "agentmint_run_events_run_id_foreign";`,
    );
    this.addSql(
      `alter table "agentmint_messages" drop constraint "agentmint_messages_run_id_foreign";`,
    );

    this.addSql(`drop table if exists "agentmint_sessions" cascade;`);
    this.addSql(`drop table if exists "agentmint_runs" cascade;`);
    this.addSql(`drop table if exists "agentmint_run_events" cascade;`);
    this.addSql(`drop table if exists "agentmint_messages" cascade;`);
  }
}
