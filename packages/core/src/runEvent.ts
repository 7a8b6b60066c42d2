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
  'RunPaused',
  'RunContinued',
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

/** A tool call a paused run waits on, with what it needs (Agno's ToolExecution flags). */
export interface PendingToolCall extends ToolCallInfo {
  /** A human approves or rejects the call (`confirmed: true | false` in the continue). */
  readonly requiresConfirmation: boolean;
  /** The caller runs the tool and sends its `result` in the continue. */
  readonly externalExecutionRequired: boolean;
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

/** The run stopped after a model step to wait for decisions or results on `tools`; it is PAUSED. */
export interface RunPausedEvent extends RunEventBase<'RunPaused'> {
  readonly tools: readonly PendingToolCall[];
}
/** A paused (or completed) run resumed on the same run id; its seq goes on from the pause. */
export type RunContinuedEvent = RunEventBase<'RunContinued'>;

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
  | RunCancelledEvent
  | RunPausedEvent
  | RunContinuedEvent;

/** The events that end a run; exactly one is emitted, last. */
export type TerminalRunEvent = RunCompletedEvent | RunErrorEvent | RunCancelledEvent;

export function isTerminalRunEvent(event: RunEvent): event is TerminalRunEvent {
  return (
    event.event === 'RunCompleted' || event.event === 'RunError' || event.event === 'RunCancelled'
  );
}

/** The events after which a stream of the run ends: a terminal event, or RunPaused (it waits). */
export type SegmentEndEvent = TerminalRunEvent | RunPausedEvent;

export function isSegmentEndEvent(event: RunEvent): event is SegmentEndEvent {
  return isTerminalRunEvent(event) || event.event === 'RunPaused';
}
