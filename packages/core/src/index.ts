export { ActiveRun, type ActiveRunIds, RunCancelledSignal } from './activeRun.ts';
export { Agent, type AgentOptions } from './agent.ts';
export {
  AgentFactory,
  type AgentFactoryOptions,
  type AnyAgentFactory,
  type FactoryCacheOptions,
  type FactoryHelpers,
  type FactoryInputOf,
} from './agentFactory.ts';
export { assertValidAgentId } from './agentId.ts';
export { AgentRegistry } from './agentRegistry.ts';
export { AgentRuntime, type AgentRuntimeOptions } from './agentRuntime.ts';
export {
  type Attachment,
  type AttachmentLimits,
  type AttachmentSource,
  assertAttachments,
  attachmentUrl,
  DEFAULT_ATTACHMENT_LIMITS,
} from './attachment.ts';
export type { Caller, ContinueRunRequest, StartRunRequest } from './caller.ts';
export {
  type ContinueAsk,
  type ContinuePlan,
  planContinue,
  type ToolExecutionInput,
} from './continuePlan.ts';
export { deepFreeze } from './deepFreeze.ts';
export * from './errors/index.ts';
export { parseFactoryInput } from './factoryInput.ts';
export { InMemoryDb } from './inMemoryDb.ts';
export type {
  AgentResolveInfo,
  CallScope,
  Instrumentation,
  ObservedCall,
  RunObservation,
  RunObserver,
} from './instrumentation/instrumentation.ts';
export type { LeaseOptions } from './leaseKeeper.ts';
export { LocalRunSignals } from './localRunSignals.ts';
export { consoleLogger, type Logger, silentLogger } from './logger.ts';
export type {
  AssistantMessage,
  Message,
  SystemMessage,
  ToolCall,
  ToolMessage,
  UserMessage,
} from './message.ts';
export type {
  Model,
  ModelRequest,
  ModelResponse,
  ModelStreamPart,
  ModelUsage,
  ResponseFormatSpec,
  ToolSpec,
} from './model.ts';
export { newId } from './newId.ts';
export { isPermanentStoreError } from './permanentStoreError.ts';
export {
  createRequestContext,
  createTrustedContext,
  EMPTY_TRUSTED,
  type RequestContext,
  type RequestContextInit,
  type TrustedContext,
  type TrustSource,
} from './requestContext.ts';
export {
  type AgentEntry,
  type ResolvedAgent,
  type ResolveRequest,
  resolveAgent,
} from './resolveAgent.ts';
export {
  isSegmentEndEvent,
  isTerminalRunEvent,
  type ModelRequestCompletedEvent,
  type ModelRequestStartedEvent,
  type PendingToolCall,
  RUN_EVENT_NAMES,
  type RunCancelledEvent,
  type RunCompletedEvent,
  type RunContentCompletedEvent,
  type RunContentEvent,
  type RunContinuedEvent,
  type RunErrorEvent,
  type RunEvent,
  type RunEventBase,
  type RunEventName,
  type RunPausedEvent,
  type RunStartedEvent,
  type SegmentEndEvent,
  type TerminalRunEvent,
  type ToolCallCompletedEvent,
  type ToolCallErrorEvent,
  type ToolCallInfo,
  type ToolCallStartedEvent,
} from './runEvent.ts';
export { type RunEventsOptions, RunLifecycle } from './runLifecycle.ts';
export {
  type LoopResume,
  type RunEventDraft,
  type RunLoopOptions,
  type RunLoopResult,
  refusalOf,
  runAgentLoop,
  type ToolDecision,
} from './runLoop.ts';
export type { RunMetrics } from './runMetrics.ts';
export { type RunOutput, toRunOutput } from './runOutput.ts';
export type { RunSignals } from './runSignals.ts';
export { isStorableId, isStorableText, MAX_ID_LENGTH } from './storableText.ts';
export {
  type HistoryQuery,
  isTerminalStatus,
  type ListRunsQuery,
  type ListSessionsQuery,
  type NewRunRecord,
  type NewSessionRecord,
  type OwnerScope,
  type PausedRunResult,
  type ResumeClaim,
  RUN_STATUSES,
  type RunErrorInfo,
  type RunLease,
  type RunPause,
  type RunRecord,
  type RunResult,
  type RunStatus,
  SESSION_SORT_FIELDS,
  type SessionFilter,
  type SessionFork,
  type SessionPatch,
  type SessionRecord,
  type SessionSortField,
  type SortOrder,
  type StaleRunsQuery,
  type Store,
  TERMINAL_RUN_STATUSES,
  type TerminalRunStatus,
} from './store.ts';
export { type FoundRun, StoreReads } from './storeReads.ts';
export type { OutputOf } from './structuredOutput.ts';
export {
  type ConfirmationCheck,
  type ExecutedToolDefinition,
  type ExternalToolDefinition,
  type Tool,
  type ToolBuilder,
  type ToolDefinition,
  type ToolExecutionOptions,
  tool,
} from './tool.ts';
export { errorSummary, logUnexpectedError } from './unexpectedError.ts';
