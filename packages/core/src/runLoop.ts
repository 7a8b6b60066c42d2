import type { Agent } from './agent.ts';
import type { Attachment } from './attachment.ts';
import type { DistributiveOmit } from './distributiveOmit.ts';
import { AgentMintError } from './errors/agentMintError.ts';
import type { CallScope, ObservedCall } from './instrumentation/instrumentation.ts';
import type { AssistantMessage, Message, ToolCall, ToolMessage } from './message.ts';
import type { ModelResponse, ModelUsage } from './model.ts';
import type { RequestContext } from './requestContext.ts';
import type { PendingToolCall, RunEvent, RunEventBase, RunEventName } from './runEvent.ts';
import { parseStructuredOutput } from './structuredOutput.ts';
import type { Tool } from './tool.ts';
import { untilAborted } from './untilAborted.ts';

/** An event before the run stamps it with seq, time and ids. */
export type RunEventDraft = DistributiveOmit<RunEvent, keyof RunEventBase<RunEventName>> & {
  readonly event: RunEventName;
};

/** What a continue decided for one pending tool call (Agno's ToolExecution fields). */
export type ToolDecision =
  | { readonly kind: 'confirmed' }
  | { readonly kind: 'rejected'; readonly note?: string | undefined }
  | { readonly kind: 'result'; readonly result: string };

/** Where a continued run picks up: its messages so far and the decisions on its pending calls. */
export interface LoopResume {
  readonly messages: readonly Message[];
  readonly pending: readonly PendingToolCall[];
  readonly decisions: ReadonlyMap<string, ToolDecision>;
  /** Tokens used before the pause, counted into the run's totals. */
  readonly usage: ModelUsage;
}

export interface RunLoopOptions {
  readonly agent: Agent;
  readonly ctx: RequestContext;
  readonly history: readonly Message[];
  /** The user's message; optional for a resumed run (then appended after the tool results). */
  readonly message?: string | undefined;
  /** Images and files sent with the message, already checked against the limits. */
  readonly attachments?: readonly Attachment[] | undefined;
  /** A paused or completed run going on: the loop starts from its messages. */
  readonly resume?: LoopResume | undefined;
  /** Stream model deltas (true) or ask for the whole answer at once. */
  readonly streamModel: boolean;
  readonly emit: (event: RunEventDraft) => void;
  /** Runs model and tool calls' work in their telemetry context (see `RunObserver.within`). */
  readonly within?: CallScope | undefined;
}

const MODEL_CALL: ObservedCall = { kind: 'model' };

interface LoopOutcome {
  /** Messages of this run: the user message, assistant turns and tool results (all segments). */
  readonly messages: readonly Message[];
  readonly usage: ModelUsage;
  /** Milliseconds from the loop start to the first content delta, or null when none came. */
  readonly timeToFirstTokenMs: number | null;
}

export type RunLoopResult =
  | (LoopOutcome & {
      readonly kind: 'completed';
      readonly content: string;
      /** The validated structured answer when the agent has an `outputSchema`, else null. */
      readonly output: unknown;
    })
  | (LoopOutcome & {
      /** A tool call needs a human decision or an external result: the run waits for a continue. */
      readonly kind: 'paused';
      readonly pending: readonly PendingToolCall[];
    });

/** The refusal a rejected tool call answers the model with. */
export function refusalOf(toolName: string, note?: string): string {
  const reason = note === undefined || note === '' ? '' : ` Reason: ${note}`;
  return `The user rejected this call of '${toolName}'; it did not run.${reason}`;
}

/** An agent without tools shares this one (read only). */
const NO_TOOLS: ReadonlyMap<string, Tool> = new Map();

function toolsOf(agent: Agent): ReadonlyMap<string, Tool> {
  return new Map(agent.tools.map((t) => [t.name, t]));
}

/**
 * Calls the model, runs the tool calls it asks for (in parallel), feeds results back, and repeats
 * until the model answers without tools or `maxSteps` is reached. Emits every step as an event.
 * A step whose calls include one that needs confirmation or external execution runs its ordinary
 * calls, then pauses: the gated calls wait for a continue, which resumes with `resume`.
 */
export async function runAgentLoop(options: RunLoopOptions): Promise<RunLoopResult> {
  const { agent, ctx, emit, within } = options;
  const started = performance.now();
  let timeToFirstTokenMs: number | null = null;
  const system = agent.systemPrompt();
  const toolsByName = agent.tools.length === 0 ? NO_TOOLS : toolsOf(agent);
  const resume = options.resume;
  const added: Message[] = resume ? [...resume.messages] : [];
  if (resume) {
    const results = await Promise.all(
      resume.pending.map((call) =>
        applyDecision(call, resume.decisions.get(call.toolCallId), toolsByName, ctx, emit, within),
      ),
    );
    added.push(...results);
  }
  if (options.message !== undefined) {
    added.push(userMessageOf(options.message, options.attachments));
  }
  // Built by pushes: spreads of a literal array and of empty ones cost more per run.
  const conversation: Message[] = [];
  if (system !== undefined) conversation.push({ role: 'system', content: system });
  for (const message of options.history) conversation.push(message);
  for (const message of added) conversation.push(message);
  const specs = agent.tools.map((t) => t.spec);
  let inputTokens = resume?.usage.inputTokens ?? 0;
  let outputTokens = resume?.usage.outputTokens ?? 0;
  const outcome = (): LoopOutcome => ({
    messages: added,
    usage: { inputTokens, outputTokens },
    timeToFirstTokenMs,
  });

  for (let step = 0; step < agent.maxSteps; step++) {
    ctx.signal.throwIfAborted();
    emit({ event: 'ModelRequestStarted', model: agent.model.id });
    // A snapshot: the model may keep the request (retries, logging) while the loop appends to it.
    const request = {
      messages: conversation.slice(),
      tools: specs,
      responseFormat: agent.responseFormat,
      signal: ctx.signal,
    };
    let response: ModelResponse;
    if (options.streamModel) {
      // Let the transports write what was emitted so far before the model runs: a model that
      // answers without I/O (a cache, a local or fake model) would otherwise keep the event loop
      // in microtasks until the whole answer is done, and the client would see nothing until then.
      await nextMacrotask();
      ctx.signal.throwIfAborted();
      let content = '';
      const toolCalls: ToolCall[] = [];
      let usage: ModelUsage | undefined;
      const stream = () => agent.model.stream(request)[Symbol.asyncIterator]();
      const parts = within ? within(MODEL_CALL, stream) : stream();
      try {
        for (;;) {
          const pull = within ? within(MODEL_CALL, () => parts.next()) : parts.next();
          const next = await untilAborted(pull, ctx.signal);
          if (next.done) break;
          const part = next.value;
          if (part.type === 'text-delta') {
            if (part.delta === '') continue;
            timeToFirstTokenMs ??= performance.now() - started;
            content += part.delta;
            emit({ event: 'RunContent', content: part.delta });
          } else if (part.type === 'tool-call') {
            toolCalls.push(part.toolCall);
          } else {
            usage = part.usage;
          }
        }
      } catch (error) {
        // Let the model release its request; not awaited, since a stalled model may never finish.
        Promise.resolve(parts.return?.()).catch(() => {});
        throw error;
      }
      response = {
        content: content === '' && toolCalls.length > 0 ? null : content,
        toolCalls,
        ...(usage && { usage }),
      };
    } else {
      const generate = () => agent.model.generate(request);
      response = await untilAborted(within ? within(MODEL_CALL, generate) : generate(), ctx.signal);
      if (response.content) {
        timeToFirstTokenMs ??= performance.now() - started;
        emit({ event: 'RunContent', content: response.content });
      }
    }
    ctx.signal.throwIfAborted();
    inputTokens += response.usage?.inputTokens ?? 0;
    outputTokens += response.usage?.outputTokens ?? 0;
    emit({
      event: 'ModelRequestCompleted',
      inputTokens: response.usage?.inputTokens ?? 0,
      outputTokens: response.usage?.outputTokens ?? 0,
    });

    const assistant: AssistantMessage =
      response.toolCalls.length > 0
        ? { role: 'assistant', content: response.content, toolCalls: response.toolCalls }
        : { role: 'assistant', content: response.content ?? '' };
    conversation.push(assistant);
    added.push(assistant);
    if (response.toolCalls.length === 0) {
      const content = response.content ?? '';
      const output = agent.outputSchema
        ? parseStructuredOutput(agent.outputSchema, content, agent.id ?? '')
        : null;
      emit({ event: 'RunContentCompleted' });
      return { kind: 'completed', content, output, ...outcome() };
    }
    const gates = await Promise.all(
      response.toolCalls.map((call) => gateOf(call, toolsByName.get(call.name), ctx)),
    );
    const results = await Promise.all(
      response.toolCalls
        .filter((_, index) => gates[index] === undefined)
        .map((call) => runToolCall(call, toolsByName.get(call.name), ctx, emit, within)),
    );
    conversation.push(...results);
    added.push(...results);
    const pending = gates.filter((gate) => gate !== undefined);
    if (pending.length > 0) return { kind: 'paused', pending, ...outcome() };
  }
  throw new AgentMintError(
    'MAX_STEPS',
    `Agent '${agent.id}' reached its limit of ${agent.maxSteps} model calls without a final answer`,
  );
}

async function runToolCall(
  call: ToolCall,
  tool: Tool | undefined,
  ctx: RequestContext,
  emit: (event: RunEventDraft) => void,
  within: CallScope | undefined,
): Promise<ToolMessage> {
  const args = parseArguments(call.arguments);
  const info = { toolCallId: call.id, toolName: call.name, toolArgs: args };
  emit({ event: 'ToolCallStarted', tool: info });
  const fail = (error: string): ToolMessage => {
    emit({ event: 'ToolCallError', tool: info, error });
    return {
      role: 'tool',
      toolCallId: call.id,
      toolName: call.name,
      content: error,
      isError: true,
    };
  };
  if (!tool) return fail(`Unknown tool '${call.name}'`);
  const parsed = tool.parameters.safeParse(args);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    return fail(`Invalid arguments for '${call.name}': ${detail.join('; ')}`);
  }
  if (tool.externalExecution === true) return fail(`'${call.name}' runs outside this server`);
  try {
    const execute = () =>
      tool.execute(parsed.data, { ctx, signal: ctx.signal, toolCallId: call.id });
    const value = await untilAborted(
      Promise.resolve(within ? within({ kind: 'tool', toolCallId: call.id }, execute) : execute()),
      ctx.signal,
    );
    const result = typeof value === 'string' ? value : (JSON.stringify(value) ?? 'null');
    emit({ event: 'ToolCallCompleted', tool: { ...info, result } });
    return { role: 'tool', toolCallId: call.id, toolName: call.name, content: result };
  } catch (error) {
    ctx.signal.throwIfAborted();
    return fail(error instanceof Error ? error.message : String(error));
  }
}

/**
 * What a call must wait for before it runs, or undefined for an ordinary call. Calls with invalid
 * arguments are not gated: they fail as usual and the model sees why.
 */
async function gateOf(
  call: ToolCall,
  tool: Tool | undefined,
  ctx: RequestContext,
): Promise<PendingToolCall | undefined> {
  if (!tool) return undefined;
  const args = parseArguments(call.arguments);
  const pending = (requirement: 'confirmation' | 'external'): PendingToolCall => ({
    toolCallId: call.id,
    toolName: call.name,
    toolArgs: args,
    requiresConfirmation: requirement === 'confirmation',
    externalExecutionRequired: requirement === 'external',
  });
  if (tool.externalExecution === true) return pending('external');
  const rule = tool.requiresConfirmation;
  if (rule === undefined || rule === false) return undefined;
  if (rule === true) return pending('confirmation');
  const parsed = tool.parameters.safeParse(args);
  if (!parsed.success) return undefined;
  try {
    return (await rule(parsed.data, ctx)) ? pending('confirmation') : undefined;
  } catch {
    // Fail closed: a check that cannot decide asks the human.
    return pending('confirmation');
  }
}

/** The tool result a continue's decision produces: the tool's own, a refusal, or the caller's. */
async function applyDecision(
  call: PendingToolCall,
  decision: ToolDecision | undefined,
  toolsByName: ReadonlyMap<string, Tool>,
  ctx: RequestContext,
  emit: (event: RunEventDraft) => void,
  within: CallScope | undefined,
): Promise<ToolMessage> {
  const info = { toolCallId: call.toolCallId, toolName: call.toolName, toolArgs: call.toolArgs };
  if (decision?.kind === 'confirmed') {
    const toolCall = {
      id: call.toolCallId,
      name: call.toolName,
      arguments: JSON.stringify(call.toolArgs ?? {}),
    };
    return runToolCall(toolCall, toolsByName.get(call.toolName), ctx, emit, within);
  }
  const base = { role: 'tool', toolCallId: call.toolCallId, toolName: call.toolName } as const;
  emit({ event: 'ToolCallStarted', tool: info });
  if (decision?.kind === 'result') {
    emit({ event: 'ToolCallCompleted', tool: { ...info, result: decision.result } });
    return { ...base, content: decision.result };
  }
  const note = decision?.kind === 'rejected' ? decision.note : undefined;
  const refusal = refusalOf(call.toolName, note);
  emit({ event: 'ToolCallError', tool: info, error: refusal });
  return { ...base, content: refusal, isError: true };
}

function parseArguments(text: string): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The run's user message; `attachments` only when there are some, so plain messages stay plain. */
export function userMessageOf(
  content: string,
  attachments: readonly Attachment[] | undefined,
): Message {
  return attachments && attachments.length > 0
    ? { role: 'user', content, attachments }
    : { role: 'user', content };
}

/** Resolves after pending I/O (socket writes) has had its turn. */
function nextMacrotask(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
