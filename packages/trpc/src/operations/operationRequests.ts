import type { Attachment } from '@agentmint/core';

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

export interface ContinueRunInput extends RunRef {
  readonly message: string;
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

export interface ListSessionsInput {
  readonly agentId?: string | undefined;
  readonly limit?: number | undefined;
  readonly offset?: number | undefined;
}

export interface SessionRef {
  readonly sessionId: string;
}

export interface RenameSessionInput extends SessionRef {
  readonly name: string;
}
