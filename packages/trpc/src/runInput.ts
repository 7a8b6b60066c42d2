import {
  type AgentEntry,
  type AgentFactory,
  type Attachment,
  MAX_ID_LENGTH,
} from '@agentmint/core';
import { z } from 'zod';

/**
 * The factory input a client sends to `entry`: `z.input` of its schema, optional when every field
 * has a default. Agents without a schema take none at compile time (REST still passes raw input).
 */
type FactoryInputField<TEntry> =
  TEntry extends AgentFactory<string, infer TSchema>
    ? TSchema extends z.ZodType
      ? Record<string, never> extends z.input<TSchema>
        ? { factoryInput?: z.input<TSchema> }
        : { factoryInput: z.input<TSchema> }
      : { factoryInput?: never }
    : { factoryInput?: never };

/** Input of `agents[id].run`. */
export type RunInput<TEntry extends AgentEntry> = {
  message: string;
  sessionId?: string;
  /** Used only when no verified JWT `sub` overrides it. */
  userId?: string;
  /** Images and files: base64 `data` or an http(s) `url`, with their media type. */
  attachments?: Attachment[];
} & FactoryInputField<TEntry>;

// Core's limit, so an id one transport accepts is never refused by another or by the store.
const id = z.string().min(1).max(MAX_ID_LENGTH);

/** Checks the envelope only: factoryInput is validated later, after auth, by the factory's schema. */
/** One attachment's shape; its type, size and count limits are core's (413 / 415 with codes). */
const attachment = z.union([
  z.object({
    kind: z.enum(['image', 'file']),
    mediaType: z.string().max(200),
    filename: z.string().max(255).optional(),
    data: z.string(),
  }),
  z.object({
    kind: z.enum(['image', 'file']),
    mediaType: z.string().max(200),
    filename: z.string().max(255).optional(),
    url: z.string().max(8192),
  }),
]);

export const runEnvelope = z.object({
  message: z.string().min(1, 'message must not be empty').max(1_000_000),
  sessionId: id.optional(),
  userId: id.optional(),
  factoryInput: z.unknown().optional(),
  attachments: z.array(attachment).max(100).optional(),
});

export type RunEnvelope = z.output<typeof runEnvelope>;

/** The envelope parser, typed with the agent's own input type so clients infer `factoryInput`. */
export function runInputParser<TEntry extends AgentEntry>() {
  return runEnvelope as unknown as z.ZodType<RunEnvelope, RunInput<TEntry>>;
}
