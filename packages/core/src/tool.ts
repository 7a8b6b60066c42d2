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

export interface ToolDefinition<TParams extends z.ZodType, TInput = unknown> {
  name: string;
  description: string;
  parameters: TParams;
  // Method syntax keeps Tool<ZodObject<…>, Input> assignable to Tool (parameter bivariance).
  execute(args: z.output<TParams>, options: ToolExecutionOptions<TInput>): unknown;
}

/** A tool ready for the run loop; its JSON Schema is computed once, when the tool is defined. */
export interface Tool<TParams extends z.ZodType = z.ZodType, TInput = unknown>
  extends ToolDefinition<TParams, TInput> {
  readonly spec: ToolSpec;
}

/** `tool`, with `ctx.input` typed `TInput` (what a factory hands its code as `helpers.tool`). */
export type ToolBuilder<TInput> = <TParams extends z.ZodType>(
  definition: ToolDefinition<TParams, TInput>,
) => Tool<TParams, TInput>;

const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** Defines a tool whose arguments are validated by a zod schema before `execute` runs. */
export function tool<TParams extends z.ZodType, TInput = unknown>(
  definition: ToolDefinition<TParams, TInput>,
): Tool<TParams, TInput> {
  if (!TOOL_NAME.test(definition.name)) {
    throw new TypeError(
      `Tool name '${definition.name}' must match ${TOOL_NAME} (what OpenAI-compatible APIs accept)`,
    );
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
