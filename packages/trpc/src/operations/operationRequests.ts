import type { Attachment, SessionSortField, SortOrder, ToolExecutionInput } from '@agentmint/core';

/** What a transport passes to the operations layer, already translated from its wire names. */

export interface AgentRef {
  readonly agentId: string;
}

export interface RunRef {
  readonly runId: string;
  /** When the route names an agent, the run must belong to it. */
  readonly agentId?: string | undefined;
}

export interface StartRunInput {
  readonly agentId: string;
  readonly message: string;
  readonly sessionId?: string | undefined;
  /** Client-sent; counts only where no verified subject overrides it. */
  readonly userId?: string | undefined;
  /** Raw input, validated by the agent's schema after every access check. */
  readonly factoryInput?: unknown;
  /** Images and files sent with the message; core checks their types, sizes and count. */
  readonly attachments?: readonly Attachment[] | undefined;
  /** Stream model deltas (SSE, subscriptions) or fetch whole answers. Default true. */
  readonly streamModel?: boolean | undefined;
}

/**
 * A continue with Agno's meaning: decisions for a PAUSED run's pending tool calls, and/or `input`
 * (required for a COMPLETED run). `fork` goes on in a sibling run instead of the run itself.
 */
export interface ContinueRunInput extends RunRef {
  readonly tools?: readonly ToolExecutionInput[] | undefined;
  readonly input?: string | undefined;
  readonly fork?: boolean | undefined;
  /** When sent (Agno sends it), it must be the run's session. */
  readonly sessionId?: string | undefined;
  /** Client-sent; counts only where no verified subject overrides it. */
  readonly userId?: string | undefined;
  readonly streamModel?: boolean | undefined;
}

export interface WatchRunInput extends RunRef {
  /** Events with a larger seq are sent; 0 (default) replays from the first. */
  readonly afterSeq?: number | undefined;
  /** Cancel a live run once no watcher is left for this long (tRPC streams that own their run). */
  readonly cancelAfterMs?: number | undefined;
  /** The watcher went away: stop following a run that executes on another instance. */
  readonly signal?: AbortSignal | undefined;
}

/** Which sessions a list or count covers, on top of the caller's owner scope. */
export interface SessionFilterInput {
  readonly agentId?: string | undefined;
  /** Only this user's sessions (Agno's `user_id` filter); isolation still applies. */
  readonly userId?: string | undefined;
  /** Case-insensitive substring of the stored name (Agno's `session_name` filter). */
  readonly nameContains?: string | undefined;
}

export interface ListSessionsInput extends SessionFilterInput {
  readonly limit?: number | undefined;
  readonly offset?: number | undefined;
  /** Default `updatedAt` (latest activity first). */
  readonly sortBy?: SessionSortField | undefined;
  readonly sortOrder?: SortOrder | undefined;
}

/** A session made before any run (Agno's `POST /sessions`). */
export interface CreateSessionInput {
  readonly agentId: string;
  /** Minted when absent. */
  readonly sessionId?: string | undefined;
  /** Client-sent; counts only where no verified subject overrides it. */
  readonly userId?: string | undefined;
  readonly name?: string | undefined;
  readonly state?: Readonly<Record<string, unknown>> | undefined;
}

export interface UpdateSessionInput extends SessionRef {
  readonly name?: string | undefined;
  readonly state?: Readonly<Record<string, unknown>> | undefined;
}

export interface SessionRunRef extends SessionRef {
  readonly runId: string;
}

export interface SessionRef {
  readonly sessionId: string;
}

export interface RenameSessionInput extends SessionRef {
  readonly name: string;
}

/** A copy of a session with its finished and paused runs, as a new session of the same owner. */
export interface ForkSessionInput extends SessionRef {
  /** When the route names an agent, the session must be one of its. */
  readonly agentId?: string | undefined;
  /** The fork's name; the source's name when absent. */
  readonly name?: string | undefined;
}
