import type { Message, PendingToolCall, RunEvent, RunMetrics, RunOutput } from '@agentmint/core';
import type { AgentInfo } from '../agentInfo.ts';
import type { PublicError } from '../errorMapping.ts';

// Agno AgentOS speaks snake_case with unix-second timestamps; these map our camelCase records.

export const unixSeconds = (date: Date | number): number =>
  Math.floor((typeof date === 'number' ? date : date.getTime()) / 1000);

/** What a run's REST shape adds to the record: Agno's `agent_name` and `input.input_content`. */
export interface RestRunExtras {
  /** The user's message; Agno's client reads it as `RunOutput.input.input_content`. */
  readonly input?: string | undefined;
  /** Agno's `agent_name`: the registered name, `''` when there is none (Agno's default). */
  readonly agentName?: string | null | undefined;
}

export function restAgent(info: AgentInfo) {
  return {
    id: info.id,
    name: info.name,
    description: info.description,
    db_id: info.dbId,
    is_factory: info.isFactory,
    factory_input_schema: info.factoryInputSchema,
    // Agno's AgentResponse.model (ModelResponse); absent for factories, as Agno omits nulls.
    ...(info.model && {
      model: { name: info.model.name, model: info.model.id, provider: info.model.provider },
    }),
  };
}

export function restMetrics(metrics: RunMetrics | null) {
  if (!metrics) return null;
  return {
    duration: metrics.duration,
    time_to_first_token: metrics.timeToFirstToken,
    input_tokens: metrics.inputTokens,
    output_tokens: metrics.outputTokens,
    total_tokens: metrics.totalTokens,
  };
}

export function restMessage(message: Message) {
  switch (message.role) {
    case 'assistant':
      return {
        role: message.role,
        content: message.content,
        ...(message.toolCalls && {
          tool_calls: message.toolCalls.map((call) => ({
            id: call.id,
            type: 'function',
            function: { name: call.name, arguments: call.arguments },
          })),
        }),
      };
    case 'tool':
      return {
        role: message.role,
        content: message.content,
        tool_call_id: message.toolCallId,
        tool_name: message.toolName,
        ...(message.isError && { tool_call_error: true }),
      };
    default:
      return { role: message.role, content: message.content };
  }
}

export function restRun(run: RunOutput, extras: RestRunExtras = {}) {
  return {
    run_id: run.runId,
    agent_id: run.agentId,
    agent_name: extras.agentName ?? '',
    session_id: run.sessionId,
    user_id: run.userId,
    // Agno puts a structured answer in `content` as the object itself.
    ...(run.output === null
      ? { content: run.content, content_type: run.contentType }
      : { content: run.output, content_type: 'json' }),
    model: run.model,
    model_provider: run.modelProvider,
    status: run.status,
    created_at: unixSeconds(run.createdAt),
    ...(extras.input !== undefined && { input: { input_content: extras.input } }),
    metrics: restMetrics(run.metrics),
    messages: run.messages.map(restMessage),
    ...(run.error && { error: run.error }),
    // Agno's paused RunOutput lists the tool executions it waits on.
    ...(run.pendingTools && { tools: run.pendingTools.map(restToolExecution) }),
  };
}

/** A pending tool call as Agno's ToolExecution (`to_dict()` names), flags included. */
export function restToolExecution(call: PendingToolCall) {
  return {
    tool_call_id: call.toolCallId,
    tool_name: call.toolName,
    tool_args: call.toolArgs,
    requires_confirmation: call.requiresConfirmation,
    external_execution_required: call.externalExecutionRequired,
  };
}

/** One run event as Agno's SSE payload: `event`, `created_at`, ids, then the event's own fields. */
export function restEvent(event: RunEvent, agentName?: string | null): Record<string, unknown> {
  const base = {
    event: event.event,
    created_at: unixSeconds(event.createdAt),
    agent_id: event.agentId,
    agent_name: agentName ?? '',
    run_id: event.runId,
    session_id: event.sessionId,
    seq: event.seq,
  };
  switch (event.event) {
    case 'RunStarted':
      return { ...base, model: event.model, model_provider: event.modelProvider };
    case 'ModelRequestStarted':
      return { ...base, model: event.model };
    case 'RunContent':
      return { ...base, content: event.content, content_type: 'str' };
    case 'ToolCallStarted':
    case 'ToolCallCompleted':
    case 'ToolCallError': {
      const { toolCallId, toolName, toolArgs, ...rest } = event.tool as typeof event.tool & {
        result?: string;
      };
      const tool = { tool_call_id: toolCallId, tool_name: toolName, tool_args: toolArgs, ...rest };
      return event.event === 'ToolCallError'
        ? { ...base, tool, error: event.error }
        : { ...base, tool };
    }
    case 'ModelRequestCompleted':
      return { ...base, input_tokens: event.inputTokens, output_tokens: event.outputTokens };
    case 'RunContentCompleted':
      return base;
    case 'RunCompleted':
      return {
        ...base,
        ...('output' in event
          ? { content: event.output, content_type: 'json' }
          : { content: event.content, content_type: 'str' }),
        metrics: restMetrics(event.metrics),
      };
    case 'RunError':
      return { ...base, content: event.error.message, error_type: event.error.code };
    case 'RunCancelled':
      return { ...base, reason: event.reason };
    case 'RunPaused':
      return { ...base, tools: event.tools.map(restToolExecution) };
    case 'RunContinued':
      return base;
  }
}

/** Agno's error body: `{ detail, code }`, plus zod's issues when input failed validation. */
export function restErrorBody(info: PublicError) {
  return { detail: info.message, code: info.code, ...(info.issues && { issues: info.issues }) };
}
