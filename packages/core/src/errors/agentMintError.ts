import { type AgentMintErrorCode, ERROR_HTTP_STATUS, type ErrorHttpStatus } from './errorCodes.ts';

export interface AgentMintErrorOptions {
  cause?: unknown;
  /** Shown to clients; defaults to the message. Internal errors set a generic one. */
  publicMessage?: string;
}

/** Base of every error AgentMint raises on purpose; `code` is stable and part of the API. */
export class AgentMintError extends Error {
  readonly code: AgentMintErrorCode;
  readonly httpStatus: ErrorHttpStatus;
  /** The message a client may see; never carries internals for 5xx errors. */
  readonly publicMessage: string;

  constructor(code: AgentMintErrorCode, message: string, options: AgentMintErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AgentMintError';
    this.code = code;
    this.httpStatus = ERROR_HTTP_STATUS[code];
    this.publicMessage = options.publicMessage ?? message;
  }
}

export function isAgentMintError(value: unknown): value is AgentMintError {
  return value instanceof AgentMintError;
}
