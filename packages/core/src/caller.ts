import type { Attachment } from './attachment.ts';
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

export interface ContinueRunRequest {
  readonly runId: string;
  readonly message: string;
  readonly caller: Caller;
  readonly headers?: Readonly<Record<string, string>>;
  readonly streamModel?: boolean;
}
