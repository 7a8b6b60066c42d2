import type { RunEvent } from '@agentmint/core';
import type {
  AnyTRPCMutationProcedure,
  AnyTRPCProcedure,
  AnyTRPCQueryProcedure,
  AnyTRPCRouter,
  AnyTRPCSubscriptionProcedure,
  inferProcedureInput,
  inferProcedureOutput,
} from '@trpc/server';
import type { AgentOSPath, AgentOSRecordAt, AgentOSRecordShape } from './agentOSPath.ts';
import type { NamespaceProcedures } from './namespaceProcedures.ts';

export interface CallOptions {
  /** Aborting rejects the call with code `ABORTED` (a run's model request is cancelled too). */
  readonly signal?: AbortSignal | undefined;
}

export interface StreamOptions {
  /**
   * Aborting ends the iteration cleanly and closes the connection. The run itself keeps going
   * (it is detached); call `runs.cancel` to stop it.
   */
  readonly signal?: AbortSignal | undefined;
}

/** A query or mutation as a plain async function; the input may be left out when it is optional. */
export type ProcedureCall<TProcedure extends AnyTRPCProcedure> =
  undefined extends inferProcedureInput<TProcedure>
    ? (
        input?: inferProcedureInput<TProcedure>,
        options?: CallOptions,
      ) => Promise<inferProcedureOutput<TProcedure>>
    : (
        input: inferProcedureInput<TProcedure>,
        options?: CallOptions,
      ) => Promise<inferProcedureOutput<TProcedure>>;

type NamespaceCalls<TRecord, TNames extends PropertyKey> = {
  readonly [TKey in keyof TRecord & TNames]: TRecord[TKey] extends
    | AnyTRPCQueryProcedure
    | AnyTRPCMutationProcedure
    ? ProcedureCall<TRecord[TKey]>
    : never;
};

interface AgentProcedureShape {
  readonly run: AnyTRPCMutationProcedure;
  readonly start: AnyTRPCMutationProcedure;
}

/** `client.agents[id]`: run to completion, start a detached run, or stream a run's events. */
export interface AgentHandle<TProcedures extends AgentProcedureShape> {
  /** Runs the agent and resolves with the finished run. */
  run(
    input: inferProcedureInput<TProcedures['run']>,
    options?: CallOptions,
  ): Promise<inferProcedureOutput<TProcedures['run']>>;
  /**
   * Starts a detached run (a POST) and resolves with `{ runId, sessionId }` once it is accepted.
   * It runs until it ends or `runs.cancel` stops it, watched or not; follow it with `runs.watch`.
   */
  start(
    input: inferProcedureInput<TProcedures['start']>,
    options?: CallOptions,
  ): Promise<inferProcedureOutput<TProcedures['start']>>;
  /**
   * `start`, then `runs.watch` of that run: its events from the first, ending after the terminal
   * event (RunCompleted, RunError, RunCancelled) or RunPaused. A dropped connection only ever
   * watches again, from the last event received; it never starts a second run.
   */
  stream(
    input: inferProcedureInput<TProcedures['start']>,
    options?: StreamOptions,
  ): AsyncGenerator<RunEvent, void, undefined>;
}

interface RunsWatchShape {
  readonly watch: AnyTRPCSubscriptionProcedure;
}

/** `client.runs`: get, cancel and continue runs, and watch one's events. */
export type RunsClient<TRuns> = NamespaceCalls<TRuns, keyof NamespaceProcedures['runs']> &
  (TRuns extends RunsWatchShape
    ? {
        /**
         * A run's events after `lastEventId` (`<runId>:<seq>`; from the first without), live
         * until the run ends or pauses. Safe to repeat: watching never starts or stops a run.
         */
        readonly watch: (
          input: inferProcedureInput<TRuns['watch']>,
          options?: StreamOptions,
        ) => AsyncGenerator<RunEvent, void, undefined>;
      }
    : unknown);

type AgentsClient<TAgents> = {
  readonly [TKey in keyof TAgents]: TKey extends keyof NamespaceProcedures['agents']
    ? TAgents[TKey] extends AnyTRPCQueryProcedure
      ? ProcedureCall<TAgents[TKey]>
      : never
    : TAgents[TKey] extends AgentProcedureShape
      ? AgentHandle<TAgents[TKey]>
      : never;
};

/** The typed client for one AgentOS router record (see `createAgentClient`). */
export interface AgentClientOf<TRecord extends AgentOSRecordShape> {
  /** `list()`, `get({ agentId })`, and one handle per agent id. */
  readonly agents: AgentsClient<TRecord['agents']>;
  readonly runs: RunsClient<TRecord['runs']>;
  readonly sessions: NamespaceCalls<TRecord['sessions'], keyof NamespaceProcedures['sessions']>;
}

/** The client `createAgentClient<TRouter>()` returns, for the AgentOS router at `TPath`. */
export type AgentClient<
  TRouter extends AnyTRPCRouter,
  TPath extends string = AgentOSPath<TRouter>,
> = AgentClientOf<AgentOSRecordAt<TRouter, TPath>>;

type AgentsRecord<TRouter extends AnyTRPCRouter, TPath extends string> = AgentOSRecordAt<
  TRouter,
  TPath
>['agents'];

/** The agent ids `TRouter` serves, as literals. */
export type AgentId<
  TRouter extends AnyTRPCRouter,
  TPath extends string = AgentOSPath<TRouter>,
> = Exclude<keyof AgentsRecord<TRouter, TPath>, keyof NamespaceProcedures['agents']> & string;

/** What `client.agents[TId].run()` takes. */
export type AgentRunInput<
  TRouter extends AnyTRPCRouter,
  TId extends AgentId<TRouter, TPath>,
  TPath extends string = AgentOSPath<TRouter>,
> = AgentsRecord<TRouter, TPath>[TId] extends AgentProcedureShape
  ? inferProcedureInput<AgentsRecord<TRouter, TPath>[TId]['run']>
  : never;

/** The `factoryInput` agent `TId` takes (`z.input` of its schema); `never` when it takes none. */
export type FactoryInput<
  TRouter extends AnyTRPCRouter,
  TId extends AgentId<TRouter, TPath>,
  TPath extends string = AgentOSPath<TRouter>,
> =
  AgentRunInput<TRouter, TId, TPath> extends { readonly factoryInput?: infer $Input }
    ? Exclude<$Input, undefined>
    : never;

/** What `run.output` of agent `TId` holds: `z.output` of its `outputSchema` (null without one). */
export type AgentOutput<
  TRouter extends AnyTRPCRouter,
  TId extends AgentId<TRouter, TPath>,
  TPath extends string = AgentOSPath<TRouter>,
> = AgentsRecord<TRouter, TPath>[TId] extends AgentProcedureShape
  ? OrNull<Exclude<inferProcedureOutput<AgentsRecord<TRouter, TPath>[TId]['run']>['output'], null>>
  : never;

/** `null` for an agent without an output schema (its output is only ever null). */
type OrNull<T> = [T] extends [never] ? null : T;
