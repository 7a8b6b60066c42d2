import type { AgentMintTables } from './entities/index.ts';

/** A timestamp as the driver hands it over: epoch ms (SQLite), Date or ISO-like text (PostgreSQL). */
export type StoredDate = Date | number | string;
/** A JSON column: written as JSON text, read back as text (SQLite) or parsed (PostgreSQL). */
export type StoredJson = unknown;

export interface SessionsTable {
  id: string;
  agent_id: string;
  user_id: string | null;
  name: string | null;
  state: StoredJson;
  created_at: StoredDate;
  updated_at: StoredDate;
  forked_from_session_id: string | null;
}

export interface RunsTable {
  id: string;
  session_id: string;
  seq: number;
  agent_id: string;
  user_id: string | null;
  status: string;
  /** What a PAUSED run waits for (RunPause as JSON); null otherwise. */
  pause: StoredJson;
  input: string;
  factory_input: StoredJson;
  content: string | null;
  output: StoredJson;
  model: string | null;
  model_provider: string | null;
  metrics: StoredJson;
  error: StoredJson;
  created_at: StoredDate;
  updated_at: StoredDate;
  owner_id: string | null;
  lease_expires_at: StoredDate | null;
}

export interface RunEventsTable {
  run_id: string;
  seq: number;
  name: string;
  payload: StoredJson;
}

export interface MessagesTable {
  run_id: string;
  seq: number;
  session_id: string;
  role: string;
  content: string | null;
  tool_calls: StoredJson;
  tool_call_id: string | null;
  tool_name: string | null;
  is_error: boolean | number | null;
  attachments: StoredJson;
}

/** Every column of each table, for statements that copy whole rows (a session fork). */
export const SESSION_COLUMNS = [
  'id',
  'agent_id',
  'user_id',
  'name',
  'state',
  'created_at',
  'updated_at',
  'forked_from_session_id',
] as const;
export const RUN_COLUMNS = [
  'id',
  'session_id',
  'seq',
  'agent_id',
  'user_id',
  'status',
  'input',
  'factory_input',
  'content',
  'output',
  'model',
  'model_provider',
  'metrics',
  'error',
  'created_at',
  'updated_at',
  'owner_id',
  'lease_expires_at',
  'pause',
] as const;
export const RUN_EVENT_COLUMNS = ['run_id', 'seq', 'name', 'payload'] as const;
export const MESSAGE_COLUMNS = [
  'run_id',
  'seq',
  'session_id',
  'role',
  'content',
  'tool_calls',
  'tool_call_id',
  'tool_name',
  'is_error',
  'attachments',
] as const;

/**
 * The tables at the storage level, as the store's queries see them. Column names come from the
 * entities (checked below); value types are what the drivers accept and return.
 */
export interface StoredTables {
  agentmint_sessions: SessionsTable;
  agentmint_runs: RunsTable;
  agentmint_run_events: RunEventsTable;
  agentmint_messages: MessagesTable;
}

// Compile-time guard: renaming an entity property without renaming its column here fails to compile.
type SameKeys<TA, TB> = [keyof TA] extends [keyof TB]
  ? [keyof TB] extends [keyof TA]
    ? true
    : false
  : false;
type Expect<T extends true> = T;
type Lists<TTable, TList extends readonly string[]> = SameKeys<TTable, Record<TList[number], 0>>;
// A new column must join its list, or a fork would silently drop it.
export type ColumnListsMatchTables = Expect<
  [
    Lists<SessionsTable, typeof SESSION_COLUMNS>,
    Lists<RunsTable, typeof RUN_COLUMNS>,
    Lists<RunEventsTable, typeof RUN_EVENT_COLUMNS>,
    Lists<MessagesTable, typeof MESSAGE_COLUMNS>,
  ] extends [true, true, true, true]
    ? true
    : false
>;
export type TablesMatchEntities = Expect<
  [
    SameKeys<StoredTables['agentmint_sessions'], AgentMintTables['agentmint_sessions']>,
    SameKeys<StoredTables['agentmint_runs'], AgentMintTables['agentmint_runs']>,
    SameKeys<StoredTables['agentmint_run_events'], AgentMintTables['agentmint_run_events']>,
    SameKeys<StoredTables['agentmint_messages'], AgentMintTables['agentmint_messages']>,
  ] extends [true, true, true, true]
    ? true
    : false
>;
