import type { Attachment, ToolCall } from '@agentmint/core';
import { defineEntity, p } from '@mikro-orm/core';
import { RunEntity } from './runEntity.ts';

/** `agentmint_messages`: the messages a run added to its session, in order; history reads them back. */
export const MessageEntity = defineEntity({
  name: 'AgentMintMessage',
  tableName: 'agentmint_messages',
  properties: {
    run: () => p.manyToOne(RunEntity).primary().deleteRule('cascade').index(false),
    seq: p.integer().primary(),
    // Denormalised from the run so a session's transcript reads without a join.
    sessionId: p.string(),
    role: p.string().length(16),
    content: p.text().nullable(),
    toolCalls: p.json<readonly ToolCall[]>().nullable(),
    toolCallId: p.string().nullable(),
    toolName: p.string().nullable(),
    isError: p.boolean().nullable(),
    /** Images and files of a user message. */
    attachments: p.json<readonly Attachment[]>().nullable(),
  },
  primaryKeys: ['run', 'seq'],
});
