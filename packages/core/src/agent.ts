import type { Model } from './model.ts';
import type { Store } from './store.ts';
import type { Tool } from './tool.ts';

export interface AgentOptions {
  model: Model;
  id?: string;
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
}

const MARKDOWN_INSTRUCTION = 'Use markdown to format your answers.';

/**
 * An agent: a model, instructions and tools. Holds no per-run state, so one instance may serve
 * many runs; factories build a fresh one per request.
 */
export class Agent {
  /** Set from the factory id after a factory builds the agent. */
  id: string | undefined;
  db: Store | undefined;
  readonly model: Model;
  readonly name: string | undefined;
  readonly description: string | undefined;
  readonly instructions: string | undefined;
  readonly tools: readonly Tool[];
  readonly markdown: boolean;
  readonly historyRuns: number;
  readonly maxSteps: number;

  constructor(options: AgentOptions) {
    this.model = options.model;
    this.id = options.id;
    this.db = options.db;
    this.name = options.name;
    this.description = options.description;
    this.instructions = options.instructions;
    this.tools = options.tools ?? [];
    this.markdown = options.markdown ?? false;
    this.historyRuns = options.historyRuns ?? 3;
    this.maxSteps = options.maxSteps ?? 10;
  }

  /** The system prompt sent first in every model request, or undefined when there is none. */
  systemPrompt(): string | undefined {
    if (!this.markdown) return this.instructions;
    return this.instructions
      ? `${this.instructions}\n\n${MARKDOWN_INSTRUCTION}`
      : MARKDOWN_INSTRUCTION;
  }
}
