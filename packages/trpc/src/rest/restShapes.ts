import type { Message, RunEvent, RunMetrics, RunOutput, SessionRecord } from '@agentmint/core';
import type { AgentInfo } from '../agentInfo.ts';
import type { PublicError } from '../errorMapping.ts';

// Agno AgentOS speaks snake_case with unix-second timestamps; these map our camelCase records.

const unixSeconds = (date: Date | number): number =>
  Math.floor((typeof date === 'number' ? date : date.getTime()) / 1000);

export function restAgent(info: AgentInfo) {
  return {
    id: info.id,
    name: info.name,
    description: info.description,
    db_id: info.dbId,
    is_factory: info.isFactory,
    factory_input_schema: info.factoryInputSchema,
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

export function restRun(run: RunOutput) {
  return {
    run_id: run.runId,
    agent_id: run.agentId,
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
    metrics: restMetrics(run.metrics),
    messages: run.messages.map(restMessage),
    ...(run.error && { error: run.error }),
  };
}

export function restSession(session: SessionRecord) {
  return {
    session_id: session.sessionId,
    session_name: session.name,
    agent_id: session.agentId,
    user_id: session.userId,
    session_state: session.state,
    created_at: unixSeconds(session.createdAt),
    updated_at: unixSeconds(session.updatedAt),
  };
}

/** One run event as Agno's SSE payload: `event`, `created_at`, ids, then the event's own fields. */
export function restEvent(event: RunEvent): Record<string, unknown> {
  const base = {
    event: event.event,
    created_at: unixSeconds(event.createdAt),
    agent_id: event.agentId,
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
  }
}

/** Agno's error body: `{ detail, code }`, plus zod's issues when input failed validation. */
export function restErrorBody(info: PublicError) {
  return { detail: info.message, code: info.code, ...(info.issues && { issues: info.issues }) };
}
