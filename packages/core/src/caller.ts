import type { Attachment } from './attachment.ts';
import type { ContinueAsk } from './continuePlan.ts';
import type { TrustedContext } from './requestContext.ts';
import type { OwnerScope } from './store.ts';

/** Who is asking, as established by the transport after verifying credentials. */
export interface Caller {
  readonly userId?: string | undefined;
  readonly trusted?: TrustedContext;
  /** Rows this caller may see (user isolation); undefined = all. */
  readonly scope?: OwnerScope;
  /** Throws when the caller may not run `agentId`; runs before input validation and the factory. */
  readonly authorizeRun?: (agentId: string) => void;
}

export interface StartRunRequest {
  readonly agentId: string;
  readonly message: string;
  /** Images and files sent with the message; checked against the attachment limits. */
  readonly attachments?: readonly Attachment[] | undefined;
  readonly caller: Caller;
  readonly sessionId?: string | undefined;
  readonly factoryInput?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** Stream model deltas (SSE, subscriptions) or fetch whole answers. Default true. */
  readonly streamModel?: boolean;
}

/**
 * A continue with Agno's meaning: a PAUSED run resumes once every pending tool call is decided
 * (`tools`); a COMPLETED run goes on with `input`. `fork` continues a copy instead (a sibling run
 * with a new id in the same session), leaving the original as it is.
 */
export interface ContinueRunRequest extends ContinueAsk {
  readonly runId: string;
  readonly fork?: boolean | undefined;
  readonly caller: Caller;
  readonly headers?: Readonly<Record<string, string>>;
  readonly streamModel?: boolean;
}
