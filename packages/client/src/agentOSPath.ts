import type {
  AnyTRPCMutationProcedure,
  AnyTRPCProcedure,
  AnyTRPCQueryProcedure,
  AnyTRPCRouter,
} from '@trpc/server';

/** What marks a router record as an AgentOS router, wherever a host mounted it. */
export interface AgentOSRecordShape {
  readonly agents: { readonly list: AnyTRPCQueryProcedure; readonly get: AnyTRPCQueryProcedure };
  readonly runs: {
    readonly get: AnyTRPCQueryProcedure;
    readonly cancel: AnyTRPCMutationProcedure;
    readonly continue: AnyTRPCMutationProcedure;
    readonly continueStart: AnyTRPCMutationProcedure;
  };
  readonly sessions: {
    readonly list: AnyTRPCQueryProcedure;
    readonly get: AnyTRPCQueryProcedure;
    readonly delete: AnyTRPCMutationProcedure;
    readonly rename: AnyTRPCMutationProcedure;
    readonly fork: AnyTRPCMutationProcedure;
  };
}

type Join<TPrefix extends string, TKey extends string> = TPrefix extends ''
  ? TKey
  : `${TPrefix}.${TKey}`;

// Depth-bounded so a large host router costs little to search.
type PathsIn<
  TRecord,
  TPrefix extends string,
  TDepth extends readonly 0[],
> = TRecord extends AgentOSRecordShape
  ? TPrefix
  : TDepth['length'] extends 4
    ? never
    : {
        [TKey in keyof TRecord & string]: TRecord[TKey] extends AnyTRPCProcedure
          ? never
          : PathsIn<TRecord[TKey], Join<TPrefix, TKey>, [...TDepth, 0]>;
      }[keyof TRecord & string];

/**
 * Where the AgentOS router sits in `TRouter`, as a dotted path: `''` when `TRouter` is the AgentOS
 * router itself, `'ai'` for `router({ ai: agentOS.router })`.
 */
export type AgentOSPath<TRouter extends AnyTRPCRouter> = PathsIn<TRouter['_def']['record'], '', []>;

type RecordAt<TRecord, TPath extends string> = TPath extends ''
  ? TRecord
  : TPath extends `${infer THead}.${infer TRest}`
    ? THead extends keyof TRecord
      ? RecordAt<TRecord[THead], TRest>
      : never
    : TPath extends keyof TRecord
      ? TRecord[TPath]
      : never;

/** The AgentOS router record found at `TPath` in `TRouter`. */
export type AgentOSRecordAt<
  TRouter extends AnyTRPCRouter,
  TPath extends string = AgentOSPath<TRouter>,
> = Extract<RecordAt<TRouter['_def']['record'], TPath>, AgentOSRecordShape>;
