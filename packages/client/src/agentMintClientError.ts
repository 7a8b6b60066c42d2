import type { ValidationIssue } from '@agentmint/core';
import type { AgentMintClientErrorCode } from './clientErrorCode.ts';

export interface AgentMintClientErrorOptions {
  readonly code: AgentMintClientErrorCode;
  /** 0 when no HTTP answer came (network failure, abort). */
  readonly httpStatus: number;
  readonly issues?: readonly ValidationIssue[] | undefined;
  readonly retryAfterSeconds?: number | undefined;
  /** The tRPC error code the server sent, when it sent one. */
  readonly trpcCode?: string | undefined;
  readonly cause?: unknown;
}

/** What every method of an AgentMint client rejects with: the server's stable code, typed. */
export class AgentMintClientError extends Error {
  readonly code: AgentMintClientErrorCode;
  readonly httpStatus: number;
  /** The failed checks, with paths such as `['factoryInput', 'depth']`; empty unless validation failed. */
  readonly issues: readonly ValidationIssue[];
  /** Set on TOO_MANY_RUNS: when a retry may succeed. */
  readonly retryAfterSeconds: number | undefined;
  readonly trpcCode: string | undefined;

  constructor(message: string, options: AgentMintClientErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AgentMintClientError';
    this.code = options.code;
    this.httpStatus = options.httpStatus;
    this.issues = options.issues ?? [];
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.trpcCode = options.trpcCode;
  }
}

export function isAgentMintClientError(value: unknown): value is AgentMintClientError {
  return value instanceof AgentMintClientError;
}
