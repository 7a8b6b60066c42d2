import type { Message } from './message.ts';
import type { ModelUsage } from './model.ts';
import type { PendingToolCall, RunEvent, RunPausedEvent, TerminalRunEvent } from './runEvent.ts';
import type { RunMetrics } from './runMetrics.ts';
import type { RunSignals } from './runSignals.ts';

/** `PENDING → RUNNING → (PAUSED ⇄ RUNNING) → COMPLETED | ERROR | CANCELLED` (contract §10). */
export const RUN_STATUSES = [
  'PENDING',
  'RUNNING',
  'PAUSED',
  'COMPLETED',
  'ERROR',
  'CANCELLED',
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** The statuses a run ends in; once a run has one, no write changes it again. */
export const TERMINAL_RUN_STATUSES = ['COMPLETED', 'ERROR', 'CANCELLED'] as const;
export type TerminalRunStatus = (typeof TERMINAL_RUN_STATUSES)[number];

export function isTerminalStatus(status: RunStatus): status is TerminalRunStatus {
  return (TERMINAL_RUN_STATUSES as readonly RunStatus[]).includes(status);
}

export interface RunErrorInfo {
  readonly code: string;
  readonly message: string;
}

/** What is known of a run when it is accepted; written before the model is called. */
export interface NewRunRecord {
  readonly runId: string;
  readonly sessionId: string;
  readonly agentId: string;
  readonly userId: string | null;
  /** The user's message. */
  readonly input: string;
  /** The validated factory input (schema output), kept so `runs.continue` rebuilds the same agent. */
  readonly factoryInput: unknown;
  readonly model: string | null;
  readonly modelProvider: string | null;
  readonly createdAt: Date;
  /** The process executing the run and until when it vouches for it; absent on rows from before leases. */
  readonly lease?: RunLease;
}

/**
 * A process's claim on a run it executes, renewed by heartbeats. Once `expiresAt` has passed, any
 * process takes the run for interrupted (ERROR RUN_INTERRUPTED). Clocks of processes sharing a
 * database are assumed to agree within a small fraction of the lease (NTP).
 */
export interface RunLease {
  readonly ownerId: string;
  readonly expiresAt: Date;
}

/** Which runs a sweep ends: their executing process is gone. */
export interface StaleRunsQuery {
  /** Runs whose lease expired before this. */
  readonly leaseExpiredBefore: Date;
  /** Runs without a lease (written before leases existed) whose row was last written before this. */
  readonly writtenBefore: Date;
  readonly limit: number;
}

/** How a run ended; written once, after its last event. */
export interface RunResult {
  readonly status: TerminalRunStatus;
  readonly content: string | null;
  /** The validated structured answer of an agent with an `outputSchema`; absent or null otherwise. */
  readonly output?: unknown;
  readonly metrics: RunMetrics | null;
  readonly error: RunErrorInfo | null;
  /** The messages this run added to the session (user, assistant, tool); not the history it read. */
  readonly messages: readonly Message[];
  readonly updatedAt: Date;
}

/** What a PAUSED run waits for, kept with its row so any process can continue it. */
export interface RunPause {
  readonly pending: readonly PendingToolCall[];
  /** Tokens the run used before it paused; the continue adds to them. */
  readonly usage: ModelUsage;
}

/** How a run paused; written once per pause, after its events, with the RunPaused event. */
export interface PausedRunResult {
  readonly pause: RunPause;
  /** Every message of the run so far (user, assistant with the pending calls, tool results). */
  readonly messages: readonly Message[];
  readonly updatedAt: Date;
}

/** A continue taking a run back to RUNNING: conditional on `from`, with this process's lease. */
export interface ResumeClaim {
  readonly from: 'PAUSED' | 'COMPLETED';
  readonly lease?: RunLease | undefined;
  readonly updatedAt: Date;
}

export interface RunRecord extends NewRunRecord {
  readonly status: RunStatus;
  /** What the run waits for while PAUSED; null in any other status. */
  readonly pause: RunPause | null;
  readonly content: string | null;
  /** The validated structured answer (agents with an `outputSchema`), else null. */
  readonly output: unknown;
  readonly metrics: RunMetrics | null;
  readonly error: RunErrorInfo | null;
  readonly messages: readonly Message[];
  readonly updatedAt: Date;
}

/** A session as `createSession` takes it (Agno's `POST /sessions`): everything but activity. */
export interface NewSessionRecord {
  readonly sessionId: string;
  readonly agentId: string;
  readonly userId: string | null;
  readonly name: string | null;
  readonly state: Readonly<Record<string, unknown>>;
  readonly createdAt: Date;
}

export interface SessionRecord extends NewSessionRecord {
  readonly updatedAt: Date;
  /** Set on a session made by `forkSession`: the session it was copied from. */
  readonly forkedFromSessionId?: string;
}

/** What `forkSession` makes: a new session holding copies of another session's runs. */
export interface SessionFork {
  /** The session to copy. */
  readonly fromSessionId: string;
  /** When set, only a session of this agent is copied (a route that names the agent). */
  readonly agentId?: string;
  /** The new session's id. */
  readonly sessionId: string;
  /** The new session's name; null keeps the source's. */
  readonly name: string | null;
  readonly createdAt: Date;
}

/**
 * Whose rows a query may see. `undefined` means everyone's (isolation off, or an admin);
 * `{ userId }` restricts every read, list and delete to that user's rows (`null` = anonymous rows).
 */
export type OwnerScope = { readonly userId: string | null } | undefined;

/** What a session list can be ordered by; `name` orders by the stored name (unnamed sessions first). */
export const SESSION_SORT_FIELDS = ['createdAt', 'updatedAt', 'name'] as const;
export type SessionSortField = (typeof SESSION_SORT_FIELDS)[number];
export type SortOrder = 'asc' | 'desc';

/** Which sessions a list or count covers, on top of the caller's owner scope. */
export interface SessionFilter {
  readonly agentId?: string;
  /** Only this user's sessions (`null`: anonymous ones); the owner scope still applies. */
  readonly userId?: string | null;
  /** Case-insensitive substring of the stored session name. */
  readonly nameContains?: string;
}

export interface ListSessionsQuery extends SessionFilter {
  readonly limit?: number;
  readonly offset?: number;
  /** Default `updatedAt` (latest activity). */
  readonly sortBy?: SessionSortField;
  /** Default `desc`. */
  readonly sortOrder?: SortOrder;
}

/** The fields `updateSession` may change; absent fields stay as they are. */
export interface SessionPatch {
  readonly name?: string;
  readonly state?: Readonly<Record<string, unknown>>;
}

export interface ListRunsQuery {
  readonly sessionId?: string;
  readonly agentId?: string;
  readonly limit?: number;
}

export interface HistoryQuery {
  /** How many of the session's most recent completed runs to load. */
  readonly runs: number;
  /** Runs to leave out (the run that is loading its history). */
  readonly excludeRunId?: string;
}

/**
 * Persistence for sessions, runs, run events and messages. Implemented by `InMemoryDb` here and by
 * `SqliteDb` / `PostgresDb` in @agentmint/db. Every read that takes an `OwnerScope` filters in the
 * query itself, so user isolation holds whichever transport asks.
 */
export interface Store {
  /** Stable id of this database, reported as `db_id`. */
  readonly id: string;
  /**
   * Cancel requests and event wake-ups between the processes sharing this database (in-process for
   * InMemoryDb and SqliteDb, LISTEN/NOTIFY for PostgresDb). Without it, watchers poll.
   */
  readonly signals?: RunSignals | undefined;
  /** Connects and migrates; idempotent, and safe to call concurrently. */
  init(): Promise<void>;
  /** Drains pending work and releases connections. */
  close(): Promise<void>;

  /**
   * Inserts the run as RUNNING, creating its session (owned by `run.userId`) when it does not exist.
   * Throws SessionNotFoundError when the session exists with another owner: checked atomically
   * with the insert, so two users racing on one new session id never share it.
   */
  createRun(run: NewRunRecord): Promise<void>;
  // A write the store refuses for good (unknown run: RunNotFoundError; a constraint) must throw an
  // error `isPermanentStoreError` recognises, so AgentMint gives it up instead of retrying forever.
  /** Appends events; `(runId, seq)` is unique and re-appending the same pair is a no-op. */
  appendEvents(runId: string, events: readonly RunEvent[]): Promise<void>;
  /**
   * Ends the run, unless it has ended already: in one atomic write, the row gets `result` (status,
   * messages) and `terminalEvent` is appended, so the last event always matches the row. Resolves
   * true when this write ended the run, false when it had ended before (nothing is written: the
   * first terminal status wins). Rejects for an unknown run.
   */
  finishRun(runId: string, result: RunResult, terminalEvent: TerminalRunEvent): Promise<boolean>;
  /**
   * Pauses a RUNNING run: in one atomic write the row becomes PAUSED with `result` (its pending
   * tool calls and messages), its lease is dropped (nothing executes a paused run) and `event` is
   * appended. False when the run was no longer RUNNING (a cancel ended it first).
   */
  pauseRun(runId: string, result: PausedRunResult, event: RunPausedEvent): Promise<boolean>;
  /**
   * Takes a run from `claim.from` back to RUNNING with the claimant's lease, in one conditional
   * write: of two concurrent continues exactly one gets true. False when the status was not
   * `claim.from` any more.
   */
  resumeRun(runId: string, claim: ResumeClaim): Promise<boolean>;
  /**
   * True when writes are committed in the order they are issued, even while earlier ones are in
   * flight (e.g. one group commit). The runtime then issues a run's last events and its final row
   * together, behind an append still in flight, instead of waiting for the events first.
   * Optional: without it, it waits.
   */
  readonly ordersWrites?: boolean;

  getRun(runId: string, scope?: OwnerScope): Promise<RunRecord | undefined>;
  listRuns(query: ListRunsQuery, scope?: OwnerScope): Promise<RunRecord[]>;
  /**
   * Runs still PENDING or RUNNING whose executing process is gone (see `StaleRunsQuery`), oldest
   * first: every process's sweep ends them. PAUSED runs are never stale (nothing executes them).
   * Optional: a store without it is not swept.
   */
  listStaleRuns?(query: StaleRunsQuery): Promise<RunRecord[]>;
  /**
   * Extends the leases `ownerId` holds on `runIds` to `expiresAt`; resolves to the ids renewed.
   * A run left out has ended or been taken over: its owner should stop executing it.
   */
  renewLeases?(ownerId: string, runIds: readonly string[], expiresAt: Date): Promise<string[]>;
  /** Events with `seq > afterSeq`, in order. */
  listEvents(runId: string, afterSeq: number, scope?: OwnerScope): Promise<RunEvent[]>;
  /** Messages of the session's latest completed runs, oldest first. */
  loadHistory(sessionId: string, query: HistoryQuery, scope?: OwnerScope): Promise<Message[]>;

  getSession(sessionId: string, scope?: OwnerScope): Promise<SessionRecord | undefined>;
  listSessions(query: ListSessionsQuery, scope?: OwnerScope): Promise<SessionRecord[]>;
  /** How many sessions `listSessions` would page over with the same filter and scope. */
  countSessions(filter: SessionFilter, scope?: OwnerScope): Promise<number>;
  /** Inserts an empty session; false when the id is taken (by anyone: ids are global). */
  createSession(session: NewSessionRecord): Promise<boolean>;
  /** Changes the name and/or state and bumps `updatedAt`; undefined when absent or not in scope. */
  updateSession(
    sessionId: string,
    patch: SessionPatch,
    scope?: OwnerScope,
  ): Promise<SessionRecord | undefined>;
  /**
   * Copies a session `scope` may see into a new session `fork.sessionId` (same agent, owner and
   * state; `forkedFromSessionId` set), with every run that is not executing (PENDING and RUNNING
   * runs are left out: their outcome is not known yet) under a new run id, in the same order, with
   * its factory input, events and messages, so history and run reads work in the fork. One write:
   * all of it or nothing. Undefined when the source is absent or not in scope; throws
   * SESSION_EXISTS when `fork.sessionId` is taken.
   */
  forkSession(fork: SessionFork, scope?: OwnerScope): Promise<SessionRecord | undefined>;
  /** Deletes the session with its runs, events and messages; false when absent or not in scope. */
  deleteSession(sessionId: string, scope?: OwnerScope): Promise<boolean>;
  renameSession(
    sessionId: string,
    name: string,
    scope?: OwnerScope,
  ): Promise<SessionRecord | undefined>;
}
