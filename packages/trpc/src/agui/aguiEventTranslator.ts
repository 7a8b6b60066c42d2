import { type AGUIEvent, EventType, type RunFinishedEvent } from '@ag-ui/core';
import type { RunEvent } from '@agentmint/core';
import { interruptsOf } from './aguiInterrupts.ts';

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
  /** Tool calls the client already has (announced with the interrupt this run resumes from). */
  readonly #announced: ReadonlySet<string>;
  #openMessageId: string | undefined;
  #messageCount = 0;
  #started = false;
  #ended = false;

  constructor(ids: AgUiRunIds, resumedToolCallIds: Iterable<string> = []) {
    this.#ids = ids;
    this.#announced = new Set(resumedToolCallIds);
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
      // A resumed run is a new AG-UI run (AG-UI's interrupt model): it starts again.
      case 'RunContinued': {
        if (this.#started) return [];
        this.#started = true;
        return [
          {
            type: EventType.RUN_STARTED,
            timestamp,
            ...this.#ids,
            // The AgentMint ids, for REST/tRPC reads (GET /agents/{id}/runs/{run_id}) of this run.
            metadata: { agentmint: { runId: event.runId, sessionId: event.sessionId } },
          },
        ];
      }
      case 'RunContent': {
        if (event.content.length === 0) return [];
        const opened = this.#openMessage(event.runId, timestamp);
        const messageId = this.#openMessageId as string;
        return [
          ...opened,
          { type: EventType.TEXT_MESSAGE_CONTENT, timestamp, messageId, delta: event.content },
        ];
      }
      case 'ToolCallStarted':
        // A call decided on resume was announced before the interrupt: only its result is new.
        if (this.#announced.has(event.tool.toolCallId)) return [];
        return this.#toolCall(
          event.tool.toolCallId,
          event.tool.toolName,
          event.tool.toolArgs,
          timestamp,
        );
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
      case 'RunPaused': {
        // The waiting calls are announced (the model asked for them), then the run ends asking.
        const calls = event.tools.flatMap((call) =>
          this.#toolCall(call.toolCallId, call.toolName, call.toolArgs, timestamp),
        );
        const finish = this.#finish(timestamp, {
          outcome: { type: 'interrupt', interrupts: interruptsOf(event) },
        });
        return [...calls, ...finish];
      }
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

  #toolCall(toolCallId: string, toolName: string, args: unknown, timestamp: number): AGUIEvent[] {
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
      { type: EventType.TOOL_CALL_ARGS, timestamp, toolCallId, delta: argsText(args) },
      { type: EventType.TOOL_CALL_END, timestamp, toolCallId },
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
