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
