import type { RunMetrics } from './runMetrics.ts';

/** Agno AgentOS event names, kept verbatim so SSE clients written for Agno keep working. */
export const RUN_EVENT_NAMES = [
  'RunStarted',
  'ModelRequestStarted',
  'RunContent',
  'ToolCallStarted',
  'ToolCallCompleted',
  'ToolCallError',
  'ModelRequestCompleted',
  'RunContentCompleted',
  'RunCompleted',
  'RunError',
  'RunCancelled',
] as const;

export type RunEventName = (typeof RUN_EVENT_NAMES)[number];

/** Fields every run event carries. `seq` starts at 1 and orders the events of one run. */
export interface RunEventBase<TName extends RunEventName> {
  readonly event: TName;
  readonly seq: number;
  /** Unix epoch milliseconds. */
  readonly createdAt: number;
  readonly agentId: string;
  readonly runId: string;
  readonly sessionId: string;
}

export interface ToolCallInfo {
  readonly toolCallId: string;
  readonly toolName: string;
  readonly toolArgs: unknown;
}

export interface RunStartedEvent extends RunEventBase<'RunStarted'> {
  readonly model: string;
  readonly modelProvider: string;
}
export interface ModelRequestStartedEvent extends RunEventBase<'ModelRequestStarted'> {
  readonly model: string;
}
/** `content` is the delta since the previous RunContent event. */
export interface RunContentEvent extends RunEventBase<'RunContent'> {
  readonly content: string;
}
export interface ToolCallStartedEvent extends RunEventBase<'ToolCallStarted'> {
  readonly tool: ToolCallInfo;
}
export interface ToolCallCompletedEvent extends RunEventBase<'ToolCallCompleted'> {
  readonly tool: ToolCallInfo & { readonly result: string };
}
export interface ToolCallErrorEvent extends RunEventBase<'ToolCallError'> {
  readonly tool: ToolCallInfo;
  readonly error: string;
}
export interface ModelRequestCompletedEvent extends RunEventBase<'ModelRequestCompleted'> {
  readonly inputTokens: number;
  readonly outputTokens: number;
}
export type RunContentCompletedEvent = RunEventBase<'RunContentCompleted'>;
export interface RunCompletedEvent extends RunEventBase<'RunCompleted'> {
  readonly content: string;
  /** The validated structured answer; present only for agents with an `outputSchema`. */
  readonly output?: unknown;
  readonly metrics: RunMetrics;
}
export interface RunErrorEvent extends RunEventBase<'RunError'> {
  readonly error: { readonly code: string; readonly message: string };
}
export interface RunCancelledEvent extends RunEventBase<'RunCancelled'> {
  readonly reason: string;
}

/** Everything a run emits, discriminated on `event`. */
export type RunEvent =
  | RunStartedEvent
  | ModelRequestStartedEvent
  | RunContentEvent
  | ToolCallStartedEvent
  | ToolCallCompletedEvent
  | ToolCallErrorEvent
  | ModelRequestCompletedEvent
  | RunContentCompletedEvent
  | RunCompletedEvent
  | RunErrorEvent
  | RunCancelledEvent;

/** The events that end a run; exactly one is emitted, last. */
export type TerminalRunEvent = RunCompletedEvent | RunErrorEvent | RunCancelledEvent;

export function isTerminalRunEvent(event: RunEvent): event is TerminalRunEvent {
  return (
    event.event === 'RunCompleted' || event.event === 'RunError' || event.event === 'RunCancelled'
  );
}
