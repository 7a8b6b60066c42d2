import type { z } from 'zod';
import type { Model, ResponseFormatSpec } from './model.ts';
import type { Store } from './store.ts';
import { responseFormatFor } from './structuredOutput.ts';
import type { Tool } from './tool.ts';

export interface AgentOptions<
  TId extends string | undefined = string | undefined,
  TOutputSchema extends z.ZodType | undefined = z.ZodType | undefined,
> {
  model: Model;
  /** Required for a plain agent registered in AgentOS; a factory sets it to the factory id. */
  id?: TId;
  name?: string;
  description?: string;
  instructions?: string;
  tools?: readonly Tool[];
  /** Where runs, events and history live; a factory's db fills this in when absent. */
  db?: Store;
  /** Ask the model to format its answers in markdown. */
  markdown?: boolean;
  /** How many of the session's previous runs to load as history (0 turns it off). Default 3. */
  historyRuns?: number;
  /** Bound on model calls per run, so a tool loop cannot spin forever. Default 10. */
  maxSteps?: number;
  /**
   * Ask the model for JSON following this schema; the answer is validated and becomes `run.output`
   * (typed `z.output<schema>` through the router to the client). Invalid answers end the run
   * `ERROR` with code `OUTPUT_VALIDATION`.
   */
  outputSchema?: TOutputSchema;
}

const MARKDOWN_INSTRUCTION = 'Use markdown to format your answers.';
const NO_TOOLS: readonly Tool[] = Object.freeze([]);

/**
 * An agent: a model, instructions and tools. Holds no per-run state, so one instance may serve
 * many runs; factories build a fresh one per request.
 */
export class Agent<
  const TId extends string | undefined = string | undefined,
  TOutputSchema extends z.ZodType | undefined = z.ZodType | undefined,
> {
  // Makes Agent nominal: an object literal of the same shape is not an Agent at compile time,
  // matching the `instanceof Agent` check at run time. Declared only, so it costs nothing.
  declare private readonly agentBrand: never;

  /** Set from the factory id after a factory builds the agent; a literal type keys typed routers. */
  id: TId;
  db: Store | undefined;
  readonly model: Model;
  readonly name: string | undefined;
  readonly description: string | undefined;
  readonly instructions: string | undefined;
  readonly tools: readonly Tool[];
  readonly markdown: boolean;
  readonly historyRuns: number;
  readonly maxSteps: number;
  readonly outputSchema: TOutputSchema;
  /** The JSON Schema sent to the model for `outputSchema`, computed once. */
  readonly responseFormat: ResponseFormatSpec | undefined;

  constructor(options: AgentOptions<TId, TOutputSchema>) {
    if (typeof options?.model?.stream !== 'function') {
      throw new TypeError('Agent needs a model (an object implementing Model)');
    }
    const historyRuns = options.historyRuns ?? 3;
    const maxSteps = options.maxSteps ?? 10;
    if (!Number.isInteger(historyRuns) || historyRuns < 0) {
      throw new TypeError(`Agent historyRuns must be a whole number >= 0, got ${historyRuns}`);
    }
    if (!Number.isInteger(maxSteps) || maxSteps < 1) {
      throw new TypeError(`Agent maxSteps must be a whole number >= 1, got ${maxSteps}`);
    }
    this.model = options.model;
    this.id = options.id as TId;
    this.db = options.db;
    this.name = options.name;
    this.description = options.description;
    this.instructions = options.instructions;
    this.tools = options.tools ?? NO_TOOLS;
    this.markdown = options.markdown ?? false;
    this.historyRuns = historyRuns;
    this.maxSteps = maxSteps;
    this.outputSchema = options.outputSchema as TOutputSchema;
    this.responseFormat = options.outputSchema
      ? responseFormatFor(options.outputSchema, options.name ?? options.id ?? 'output')
      : undefined;
  }

  /** The system prompt sent first in every model request, or undefined when there is none. */
  systemPrompt(): string | undefined {
    if (!this.markdown) return this.instructions;
    return this.instructions
      ? `${this.instructions}\n\n${MARKDOWN_INSTRUCTION}`
      : MARKDOWN_INSTRUCTION;
  }

  /** A copy of this agent (same class, model and tools) under another id and db; this one is unchanged. */
  withIdentity(id: string, db: Store | undefined): Agent {
    const copy: Agent = Object.assign(Object.create(Object.getPrototypeOf(this)), this);
    copy.id = id;
    copy.db = db;
    return copy;
  }
}
