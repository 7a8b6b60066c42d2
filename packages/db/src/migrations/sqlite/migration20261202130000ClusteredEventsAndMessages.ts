import { Migration } from '@mikro-orm/migrations';

// Events and messages become WITHOUT ROWID: their rows live in the (run_id, seq) key's B-tree
// instead of a rowid table beside a key index, so each row is one B-tree insert, not two, and a
// commit writes a table's last leaf once, not a table leaf and an index leaf. Nothing refers to
// these tables, so each is copied into a new one that takes its name.
const EVENT_COLUMNS = `\`run_id\` text not null, \`seq\` integer not null, \`name\` text not null, \`payload\` json not null`;
const MESSAGE_COLUMNS = `\`run_id\` text not null, \`seq\` integer not null, \`session_id\` text not null, \`role\` text not null, \`content\` text null, \`tool_calls\` json null, \`tool_call_id\` text null, \`tool_name\` text null, \`is_error\` integer null, \`attachments\` json null`;

const TABLES = [
  ['agentmint_run_events', EVENT_COLUMNS],
  ['agentmint_messages', MESSAGE_COLUMNS],
] as const;

export class Migration20261202130000_ClusteredEventsAndMessages extends Migration {
  override name = 'Migration20261202130000_ClusteredEventsAndMessages';

  override up(): void | Promise<void> {
    this.#rebuild(' without rowid');
  }

  override down(): void | Promise<void> {
    this.#rebuild('');
  }

  /** Copies each table into one with the same columns and keys, ending in `options`. */
  #rebuild(options: string): void {
    for (const [table, columns] of TABLES) {
      const names = columns
        .split(', ')
        .map((column) => column.split(' ')[0])
        .join(', ');
      this.addSql(
        `create table \`${table}_new\` (${columns}, primary key (\`run_id\`, \`seq\`), constraint \`${table}_run_id_foreign\` foreign key (\`run_id\`) references \`agentmint_runs\` (\`id\`) on delete cascade)${options};`,
      );
      this.addSql(`insert into \`${table}_new\` (${names}) select ${names} from \`${table}\`;`);
      this.addSql(`drop table \`${table}\`;`);
      this.addSql(`alter table \`${table}_new\` rename to \`${table}\`;`);
    }
  }
}
