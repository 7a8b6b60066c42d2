import { type AGUIEvent, EventType, type RunFinishedEvent } from '@ag-ui/core';
import type { RunEvent } from '@agentmint/core';

/** The AG-UI ids of one run: the client's thread and run ids, echoed in every run-scoped event. */
export interface AgUiRunIds {
  readonly threadId: string;
  readonly runId: string;
}

/**
 * Turns one AgentMint run's events into AG-UI events, in order. Stateful: it opens an assistant
 * text message on the first content delta and closes it before a tool call or the run's end,
 * because AG-UI clients reject content outside an open message and a finish with one still open.
 */
export class AgUiEventTranslator {
  readonly #ids: AgUiRunIds;
  #openMessageId: string | undefined;
  #messageCount = 0;
  #ended = false;

  constructor(ids: AgUiRunIds) {
    this.#ids = ids;
  }

  /** True once RUN_FINISHED or RUN_ERROR went out: nothing may follow it. */
  get ended(): boolean {
    return this.#ended;
  }

  translate(event: RunEvent): AGUIEvent[] {
    if (this.#ended) return [];
    const timestamp = event.createdAt;
    switch (event.event) {
      case 'RunStarted':
        return [
          {
            type: EventType.RUN_STARTED,
            timestamp,
            ...this.#ids,
            // The AgentMint ids, for REST/tRPC reads (GET /agents/{id}/runs/{run_id}) of this run.
            metadata: { agentmint: { runId: event.runId, sessionId: event.sessionId } },
          },
        ];
      case 'RunContent': {
        if (event.content.length === 0) return [];
        const opened = this.#openMessage(event.runId, timestamp);
        const messageId = this.#openMessageId as string;
        return [
          ...opened,
          { type: EventType.TEXT_MESSAGE_CONTENT, timestamp, messageId, delta: event.content },
        ];
      }
      case 'ToolCallStarted': {
        const { toolCallId, toolName, toolArgs } = event.tool;
        const parentMessageId = this.#openMessageId;
        return [
          ...this.#closeMessage(timestamp),
          {
            type: EventType.TOOL_CALL_START,
            timestamp,
            toolCallId,
            toolCallName: toolName,
            ...(parentMessageId !== undefined && { parentMessageId }),
          },
          { type: EventType.TOOL_CALL_ARGS, timestamp, toolCallId, delta: argsText(toolArgs) },
          { type: EventType.TOOL_CALL_END, timestamp, toolCallId },
        ];
      }
      case 'ToolCallCompleted':
        return [this.#toolResult(event.tool.toolCallId, event.tool.result, timestamp)];
      case 'ToolCallError':
        // The model saw the error as the tool's answer; so does the client.
        return [this.#toolResult(event.tool.toolCallId, event.error, timestamp)];
      case 'ModelRequestCompleted':
      case 'RunContentCompleted':
        return this.#closeMessage(timestamp);
      case 'RunCompleted':
        return this.#finish(timestamp, {
          // The validated structured answer of an agent with an outputSchema.
          ...(event.output !== undefined && { result: event.output }),
          usage: [
            {
              inputTokens: event.metrics.inputTokens,
              outputTokens: event.metrics.outputTokens,
              totalTokens: event.metrics.totalTokens,
            },
          ],
        });
      case 'RunCancelled':
        return this.#finish(timestamp, { outcome: { type: 'cancelled' } });
      case 'RunError':
        this.#ended = true;
        return [
          ...this.#closeMessage(timestamp),
          {
            type: EventType.RUN_ERROR,
            timestamp,
            message: event.error.message,
            code: event.error.code,
          },
        ];
      case 'ModelRequestStarted':
        return [];
      default:
        // Events added to AgentMint later carry nothing AG-UI clients need until mapped here.
        return [];
    }
  }

  /** Closes the run when the event stream stopped without a terminal event (never a dangling run). */
  finish(timestamp = Date.now()): AGUIEvent[] {
    return this.#ended ? [] : this.#finish(timestamp, {});
  }

  #finish(
    timestamp: number,
    extra: Pick<RunFinishedEvent, 'outcome' | 'usage' | 'result'>,
  ): AGUIEvent[] {
    this.#ended = true;
    return [
      ...this.#closeMessage(timestamp),
      { type: EventType.RUN_FINISHED, timestamp, ...this.#ids, ...extra },
    ];
  }

  #openMessage(agentmintRunId: string, timestamp: number): AGUIEvent[] {
    if (this.#openMessageId !== undefined) return [];
    // Unique across the thread: AgentMint run ids are, and the index counts within the run.
    this.#openMessageId = `${agentmintRunId}-m${++this.#messageCount}`;
    return [
      {
        type: EventType.TEXT_MESSAGE_START,
        timestamp,
        messageId: this.#openMessageId,
        role: 'assistant',
      },
    ];
  }

  #closeMessage(timestamp: number): AGUIEvent[] {
    const messageId = this.#openMessageId;
    if (messageId === undefined) return [];
    this.#openMessageId = undefined;
    return [{ type: EventType.TEXT_MESSAGE_END, timestamp, messageId }];
  }

  #toolResult(toolCallId: string, content: string, timestamp: number): AGUIEvent {
    return {
      type: EventType.TOOL_CALL_RESULT,
      timestamp,
      messageId: `${toolCallId}-result`,
      toolCallId,
      content,
      role: 'tool',
    };
  }
}

/** AG-UI carries tool arguments as JSON text, as the model produced them. */
function argsText(args: unknown): string {
  return typeof args === 'string' ? args : JSON.stringify(args ?? {});
}
