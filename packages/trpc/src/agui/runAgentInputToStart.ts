import { type Context, contentHasMedia, contentToText, type RunAgentInput } from '@ag-ui/core';
import { RunAgentInputSchema } from '@ag-ui/core/schemas';
import { AgentMintError } from '@agentmint/core';

/** What an AG-UI run asks AgentMint to start: the operations layer's start request, minus the agent. */
export interface AgUiStartRequest {
  /** The AG-UI thread is the AgentMint session: its history is the thread's earlier runs. */
  readonly sessionId: string;
  readonly message: string;
  /** `forwardedProps.factoryInput`, unvalidated: the agent's schema checks it like on REST/tRPC. */
  readonly factoryInput: unknown;
}

/** Parses an AG-UI request body with AG-UI's own schema; a bad body is a 400 before anything runs. */
export function parseRunAgentInput(body: unknown): RunAgentInput {
  const parsed = RunAgentInputSchema.safeParse(body);
  if (parsed.success) return parsed.data as RunAgentInput;
  const detail = parsed.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`)
    .join('; ');
  throw new AgentMintError('BAD_REQUEST', `Not an AG-UI RunAgentInput: ${detail}`);
}

/**
 * AG-UI sends the whole conversation; AgentMint keeps it server-side per session, so only the
 * newest user message is new. Context entries reach the model appended to that message.
 */
export function toStartRequest(input: RunAgentInput): AgUiStartRequest {
  const last = input.messages.at(-1);
  if (last?.role !== 'user') {
    throw new AgentMintError(
      'BAD_REQUEST',
      last?.role === 'tool'
        ? 'AG-UI frontend tool results are not supported: end the messages with a user message'
        : 'The AG-UI messages must end with a user message',
    );
  }
  if (contentHasMedia(last.content)) {
    throw new AgentMintError('BAD_REQUEST', 'AG-UI media parts are not supported: send text');
  }
  const text = contentToText(last.content);
  if (text.length === 0) throw new AgentMintError('BAD_REQUEST', 'The user message is empty');
  const forwarded: unknown = input.forwardedProps;
  const factoryInput =
    typeof forwarded === 'object' && forwarded !== null && 'factoryInput' in forwarded
      ? forwarded.factoryInput
      : undefined;
  return { sessionId: input.threadId, message: withContext(text, input.context), factoryInput };
}

function withContext(text: string, context: readonly Context[]): string {
  if (context.length === 0) return text;
  const lines = context.map((entry) => `- ${entry.description}: ${entry.value}`);
  return `${text}\n\nContext:\n${lines.join('\n')}`;
}
