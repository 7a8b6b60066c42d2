export type { AgentInfo } from './agentInfo.ts';
export { AgentOS, type AgentOSOptions } from './agentOS.ts';
export type { AgentOSInterface, AgentOSInterfaceHost } from './agentOSInterface.ts';
export type { AgentOSRouter, AgentProcedureRecord } from './agentOSRouter.ts';
export type { AgentProcedures, StartedRun } from './agentProcedures.ts';
export * from './auth/index.ts';
export type { AgentMintRequestState, AgentOSContext } from './context.ts';
export { type PublicError, toPublicError } from './errorMapping.ts';
export { formatEventId, parseEventId } from './lastEventId.ts';
export * from './observability/index.ts';
export type { AgentOperations } from './operations/agentOperations.ts';
export type {
  ContinueRunInput,
  ListSessionsInput,
  RunRef,
  StartRunInput,
  WatchRunInput,
} from './operations/operationRequests.ts';
export type { AnonymousUserIds, RequestAccess } from './requestAccess.ts';
export type { RunInput } from './runInput.ts';
export type { AgentOutputOf, AgentRunOutput } from './runOutputType.ts';
export type { WatchInput } from './runWatch.ts';
export { DEFAULT_MAX_BATCH_SIZE } from './server/batchLimit.ts';
export type { CorsOptions } from './server/corsOptions.ts';
export {
  DEFAULT_REQUEST_TIMEOUT_MS,
  type ServeOptions,
  type ServerHandle,
} from './server/serveFetch.ts';
export { type AgentMintErrorData, t as agentmintTRPC } from './trpc.ts';
export { endsWatch, WATCH_ENDING_EVENTS } from './watchEndingEvents.ts';
