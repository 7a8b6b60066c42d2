export type { RunEvent, RunOutput, ValidationIssue } from '@agentmint/core';
export type {
  AgentClient,
  AgentClientOf,
  AgentHandle,
  AgentId,
  AgentOutput,
  AgentRunInput,
  CallOptions,
  FactoryInput,
  ProcedureCall,
  RunsClient,
  StreamOptions,
} from './agentClient.ts';
export type {
  AgentClientBaseOptions,
  AgentClientOptions,
  EventSourceConstructor,
} from './agentClientOptions.ts';
export { agentLinks } from './agentLinks.ts';
export {
  AgentMintClientError,
  type AgentMintClientErrorOptions,
  isAgentMintClientError,
} from './agentMintClientError.ts';
export type { AgentOSPath, AgentOSRecordAt } from './agentOSPath.ts';
export type { AgentMintClientErrorCode, LocalErrorCode } from './clientErrorCode.ts';
export { createAgentClient } from './createAgentClient.ts';
export {
  type AgentMintClientErrorOf,
  isForbidden,
  isNotFound,
  isRateLimited,
  isUnauthenticated,
  isValidationError,
  type RateLimitedClientError,
  type ValidationClientError,
} from './errorGuards.ts';
export { DEFAULT_RECONNECT, type ReconnectOptions } from './reconnectOptions.ts';
export type { HeadersProvider, TokenProvider, TraceparentProvider } from './requestHeaders.ts';
export { toClientError } from './toClientError.ts';
