import { z } from 'zod';
import type { ToolSpec } from './model.ts';
import type { RequestContext } from './requestContext.ts';

/** `TInput` is `ctx.input`: the factory's schema output for tools built with the factory's `tool`. */
export interface ToolExecutionOptions<TInput = unknown> {
  /** The run's context: a tool sees the same verified user and claims as the factory. */
  readonly ctx: RequestContext<TInput>;
  readonly signal: AbortSignal;
  readonly toolCallId: string;
}

/**
 * Decides per call whether a human must approve it first. Declared through a method so that a
 * `Tool<ZodObject<…>>` stays assignable to `Tool` (method parameters are bivariant).
 */
export type ConfirmationCheck<TArgs, TInput> = {
  check(args: TArgs, ctx: RequestContext<TInput>): boolean | Promise<boolean>;
}['check'];

interface ToolDefinitionBase<TParams extends z.ZodType, TInput> {
  name: string;
  description: string;
  parameters: TParams;
  /**
   * The run pauses (status PAUSED, event RunPaused) before this tool runs, until a continue
   * approves or rejects the call; a function decides per call from its validated arguments.
   */
  requiresConfirmation?: boolean | ConfirmationCheck<z.output<TParams>, TInput>;
}

/** A tool this process executes. */
export interface ExecutedToolDefinition<TParams extends z.ZodType, TInput = unknown>
  extends ToolDefinitionBase<TParams, TInput> {
  externalExecution?: false;
  // Method syntax keeps Tool<ZodObject<…>, Input> assignable to Tool (parameter bivariance).
  execute(args: z.output<TParams>, options: ToolExecutionOptions<TInput>): unknown;
}

/**
 * A tool the caller executes: the run pauses when the model calls it, and a continue hands back the
 * result (Agno's `external_execution`). It has no `execute`.
 */
export interface ExternalToolDefinition<TParams extends z.ZodType, TInput = unknown>
  extends ToolDefinitionBase<TParams, TInput> {
  externalExecution: true;
  execute?: never;
}

export type ToolDefinition<TParams extends z.ZodType, TInput = unknown> =
  | ExecutedToolDefinition<TParams, TInput>
  | ExternalToolDefinition<TParams, TInput>;

/** A tool ready for the run loop; its JSON Schema is computed once, when the tool is defined. */
export type Tool<TParams extends z.ZodType = z.ZodType, TInput = unknown> = ToolDefinition<
  TParams,
  TInput
> & {
  readonly spec: ToolSpec;
};

/** `tool`, with `ctx.input` typed `TInput` (what a factory hands its code as `helpers.tool`). */
export type ToolBuilder<TInput> = <TParams extends z.ZodType>(
  definition: ToolDefinition<TParams, TInput>,
) => Tool<TParams, TInput>;

const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** Defines a tool whose arguments are validated by a zod schema before `execute` runs. */
export function tool<TParams extends z.ZodType, TInput = unknown>(
  definition: ToolDefinition<TParams, TInput>,
): Tool<TParams, TInput> {
  const { name } = definition;
  if (!TOOL_NAME.test(name)) {
    throw new TypeError(
      `Tool name '${name}' must match ${TOOL_NAME} (what OpenAI-compatible APIs accept)`,
    );
  }
  if (definition.externalExecution !== true && typeof definition.execute !== 'function') {
    throw new TypeError(`Tool '${name}' needs an execute function, or externalExecution: true`);
  }
  const parameters = z.toJSONSchema(definition.parameters, { io: 'input' }) as Record<
    string,
    unknown
  >;
  delete parameters.$schema;
  return Object.freeze({
    ...definition,
    spec: Object.freeze({ name: definition.name, description: definition.description, parameters }),
  });
}
