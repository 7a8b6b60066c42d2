import type { ObservedCall, RunEvent, RunObservation, RunObserver, Store } from '@agentmint/core';
import { type Context, context, type Span, SpanKind, type Tracer, trace } from '@opentelemetry/api';
import { ATTR } from './attributes.ts';
import type { PausedSpans } from './pausedSpans.ts';
import { errorCodeOf, failSpan } from './spanErrors.ts';
import { tracedStore } from './tracedStore.ts';

/**
 * One run's spans, built from its events: `invoke_agent` for the run, a `chat` span per model call
 * and an `execute_tool` span per tool call below it (GenAI semantic conventions). The calls' own
 * work runs inside their spans (`within`), so the provider's HTTP request and a tool's own spans
 * nest under them. Only ids, names, models, token counts and stable codes are recorded; never
 * message text, tool arguments or results.
 */
export class RunSpans implements RunObserver {
  readonly #tracer: Tracer;
  readonly #run: Span;
  readonly #context: Context;
  readonly #provider: string;
  #modelCall: Span | undefined;
  /** The context with the open model call's span active, made once per call. */
  #modelContext: Context | undefined;
  /** Open tool calls by id, made at the run's first tool call (most runs make none). */
  #toolCalls: Map<string, Span> | undefined;
  readonly #storeSpanMinMs: number;
  readonly #paused: PausedSpans;
  readonly #runId: string;

  constructor(
    tracer: Tracer,
    run: Span,
    parent: Context,
    observation: RunObservation,
    options: { readonly storeSpanMinMs: number; readonly paused: PausedSpans },
  ) {
    this.#tracer = tracer;
    this.#storeSpanMinMs = options.storeSpanMinMs;
    this.#paused = options.paused;
    this.#runId = observation.ids.runId;
    this.#run = run;
    this.#context = trace.setSpan(parent, run);
    this.#provider = providerName(observation.model.provider);
  }

  onEvent(event: RunEvent): void {
    switch (event.event) {
      case 'ModelRequestStarted':
        this.#modelCall?.end();
        this.#modelContext = undefined;
        this.#modelCall = this.#tracer.startSpan(
          `chat ${event.model}`,
          {
            kind: SpanKind.CLIENT,
            attributes: {
              [ATTR.genAiOperation]: 'chat',
              [ATTR.genAiRequestModel]: event.model,
              [ATTR.genAiProvider]: this.#provider,
              [ATTR.genAiSystem]: this.#provider,
            },
          },
          this.#context,
        );
        return;
      case 'ModelRequestCompleted': {
        const span = this.#modelCall;
        if (!span) return;
        span.setAttribute(ATTR.genAiInputTokens, event.inputTokens);
        span.setAttribute(ATTR.genAiOutputTokens, event.outputTokens);
        span.end();
        this.#modelCall = undefined;
        this.#modelContext = undefined;
        return;
      }
      case 'ToolCallStarted':
        this.#toolCalls ??= new Map();
        this.#toolCalls.set(
          event.tool.toolCallId,
          this.#tracer.startSpan(
            `execute_tool ${event.tool.toolName}`,
            {
              kind: SpanKind.INTERNAL,
              attributes: {
                [ATTR.genAiOperation]: 'execute_tool',
                [ATTR.genAiToolName]: event.tool.toolName,
                [ATTR.genAiToolCallId]: event.tool.toolCallId,
                [ATTR.genAiToolType]: 'function',
              },
            },
            this.#context,
          ),
        );
        return;
      case 'ToolCallCompleted':
      case 'ToolCallError': {
        const span = this.#toolCalls?.get(event.tool.toolCallId);
        if (!span) return;
        // The tool's error text is the tool's (or the user's) words: only a code goes on the span.
        if (event.event === 'ToolCallError') failSpan(span, 'TOOL_CALL_ERROR');
        span.end();
        this.#toolCalls?.delete(event.tool.toolCallId);
        return;
      }
      case 'RunCompleted':
        this.#run.setAttribute(ATTR.genAiInputTokens, event.metrics.inputTokens);
        this.#run.setAttribute(ATTR.genAiOutputTokens, event.metrics.outputTokens);
        this.#end('COMPLETED', undefined);
        return;
      case 'RunError':
        this.#end('ERROR', event.error.code);
        return;
      case 'RunCancelled':
        this.#end('CANCELLED', undefined);
        return;
      case 'RunPaused':
        // The run waits for decisions on its tool calls: this part of it ends here, and the span
        // of its continue links back to this one.
        this.#run.setAttribute(ATTR.pendingToolCalls, event.tools.length);
        this.#paused.remember(this.#runId, this.#run.spanContext());
        this.#end('PAUSED', undefined);
        return;
      case 'RunContinued':
        this.#run.setAttribute(ATTR.runContinued, true);
        return;
      default:
        return;
    }
  }

  onStartFailed(error: unknown): void {
    // A driver error reaches the client as STORE_UNAVAILABLE; the store's own refusals keep their code.
    this.#end('ERROR', errorCodeOf(error, 'STORE_UNAVAILABLE'));
  }

  wrapStore(store: Store): Store {
    this.#run.setAttribute(ATTR.storeId, store.id);
    return tracedStore(store, this.#tracer, this.#context, this.#storeSpanMinMs);
  }

  within<T>(call: ObservedCall, work: () => T): T {
    if (call.kind === 'model') {
      const span = this.#modelCall;
      if (!span) return work();
      this.#modelContext ??= trace.setSpan(this.#context, span);
      return context.with(this.#modelContext, work);
    }
    const span = this.#toolCalls?.get(call.toolCallId);
    return span ? context.with(trace.setSpan(this.#context, span), work) : work();
  }

  /**
   * Ends the run span and whatever call was still open in it: a model call that failed carries the
   * run's error code; one cut short by a cancel just ends.
   */
  #end(status: string, errorCode: string | undefined): void {
    this.#run.setAttribute(ATTR.runStatus, status);
    if (this.#modelCall) endOpenCall(this.#modelCall, errorCode);
    if (this.#toolCalls) for (const span of this.#toolCalls.values()) endOpenCall(span, errorCode);
    this.#modelCall = undefined;
    this.#modelContext = undefined;
    this.#toolCalls = undefined;
    if (errorCode !== undefined) failSpan(this.#run, errorCode);
    this.#run.end();
  }
}

/** A call still open when its run ended: failed with the run's error code, if it has one. */
function endOpenCall(span: Span, errorCode: string | undefined): void {
  if (errorCode !== undefined) failSpan(span, errorCode);
  span.end();
}

/** GenAI conventions use lower-case provider ids (`openai`); AgentMint's labels read `OpenAI`. */
function providerName(label: string): string {
  return label.toLowerCase();
}

/**
 * The attributes a run span starts with. The agent and session ids are there once, by their GenAI
 * names (`gen_ai.agent.id`, `gen_ai.conversation.id`): every attribute is copied and checked by
 * the SDK, per span.
 */
export function runAttributes(observation: RunObservation): Record<string, string> {
  const { ids, model } = observation;
  const provider = providerName(model.provider);
  const attributes: Record<string, string> = {
    [ATTR.genAiOperation]: 'invoke_agent',
    [ATTR.genAiAgentId]: ids.agentId,
    [ATTR.genAiConversationId]: ids.sessionId,
    [ATTR.genAiRequestModel]: model.id,
    [ATTR.genAiProvider]: provider,
    [ATTR.genAiSystem]: provider,
    [ATTR.runId]: ids.runId,
  };
  if (ids.userId !== null) attributes[ATTR.userId] = ids.userId;
  return attributes;
}
