import type {
  Attachment,
  Message,
  RunErrorInfo,
  RunEvent,
  RunMetrics,
  RunPause,
  RunRecord,
  RunStatus,
  SessionRecord,
  ToolCall,
} from '@agentmint/core';
import type { MessagesTable, RunEventsTable, RunsTable, SessionsTable } from './storedTables.ts';
import { type ValueCodec, writeJson } from './valueCodec.ts';

export function toSessionRecord(row: SessionsTable, codec: ValueCodec): SessionRecord {
  return {
    sessionId: row.id,
    agentId: row.agent_id,
    userId: row.user_id,
    name: row.name,
    state: codec.readJson<Record<string, unknown>>(row.state) ?? {},
    createdAt: codec.readDate(row.created_at),
    updatedAt: codec.readDate(row.updated_at),
    ...(row.forked_from_session_id !== null && { forkedFromSessionId: row.forked_from_session_id }),
  };
}

export function toRunRecord(
  row: RunsTable,
  messages: readonly Message[],
  codec: ValueCodec,
): RunRecord {
  return {
    runId: row.id,
    sessionId: row.session_id,
    agentId: row.agent_id,
    userId: row.user_id,
    input: row.input,
    factoryInput: codec.readJson<unknown>(row.factory_input) ?? null,
    model: row.model,
    modelProvider: row.model_provider,
    createdAt: codec.readDate(row.created_at),
    status: row.status as RunStatus,
    pause: row.status === 'PAUSED' ? (codec.readJson<RunPause | null>(row.pause) ?? null) : null,
    content: row.content,
    output: codec.readJson<unknown>(row.output) ?? null,
    metrics: codec.readJson<RunMetrics | null>(row.metrics) ?? null,
    error: codec.readJson<RunErrorInfo | null>(row.error) ?? null,
    messages,
    updatedAt: codec.readDate(row.updated_at),
    ...(row.owner_id !== null &&
      row.lease_expires_at !== null && {
        lease: { ownerId: row.owner_id, expiresAt: codec.readDate(row.lease_expires_at) },
      }),
  };
}

/** An event row read with its run's ids (the run row's, joined). */
export interface StoredRunEvent extends Pick<RunEventsTable, 'payload' | 'run_id' | 'name'> {
  readonly agent_id: string;
  readonly session_id: string;
}

/**
 * An event with its run's ids, which are the last keys of every event (`ActiveRun.emit` stamps
 * them): SQLite stores the payload without them and, when it is the first key, without the
 * event's name (`eventPayload`; the `name` column holds it). Older SQLite rows and PostgreSQL's
 * carry the same values, name included, so they are read as they were and keep their key order.
 */
export function toRunEvent(row: StoredRunEvent, codec: ValueCodec): RunEvent {
  const payload = codec.readJson<RunEvent>(row.payload);
  const ids = { agentId: row.agent_id, runId: row.run_id, sessionId: row.session_id };
  if ('event' in payload) return { ...payload, ...ids };
  return { event: row.name, ...(payload as Omit<RunEvent, 'event'>), ...ids } as RunEvent;
}

/**
 * An event's payload as SQLite stores it: without the run's ids, which its run row holds, and
 * without its name when that is its first key (as `emit` makes it), which the `name` column holds.
 * Anything else keeps its name, so every event reads back with its own key order.
 */
export function eventPayload(event: RunEvent): string {
  if (startsWithName(event)) {
    const {
      event: _name,
      agentId: _agentId,
      runId: _runId,
      sessionId: _sessionId,
      ...payload
    } = event;
    return JSON.stringify(payload);
  }
  const { agentId: _agentId, runId: _runId, sessionId: _sessionId, ...withName } = event;
  return JSON.stringify(withName);
}

function startsWithName(event: RunEvent): boolean {
  for (const key in event) return key === 'event';
  return false;
}

/** Rebuilds the exact message shape: optional fields stay absent when they were absent. */
export function toMessage(row: MessagesTable, codec: ValueCodec): Message {
  switch (row.role) {
    case 'assistant': {
      const toolCalls = codec.readJson<readonly ToolCall[] | null>(row.tool_calls);
      return toolCalls === null || toolCalls === undefined
        ? { role: 'assistant', content: row.content }
        : { role: 'assistant', content: row.content, toolCalls };
    }
    case 'tool':
      return {
        role: 'tool',
        toolCallId: row.tool_call_id ?? '',
        toolName: row.tool_name ?? '',
        content: row.content ?? '',
        ...(row.is_error !== null && { isError: Boolean(row.is_error) }),
      };
    case 'system':
      return { role: 'system', content: row.content ?? '' };
    default: {
      const attachments = codec.readJson<readonly Attachment[] | null>(row.attachments);
      return attachments === null || attachments === undefined
        ? { role: 'user', content: row.content ?? '' }
        : { role: 'user', content: row.content ?? '', attachments };
    }
  }
}

export function toMessageRow(
  message: Message,
  ids: { runId: string; sessionId: string; seq: number },
  codec: ValueCodec,
): MessagesTable {
  const row: MessagesTable = {
    run_id: ids.runId,
    seq: ids.seq,
    session_id: ids.sessionId,
    role: message.role,
    content: message.content,
    tool_calls: null,
    tool_call_id: null,
    tool_name: null,
    is_error: null,
    attachments: null,
  };
  if (message.role === 'user' && message.attachments !== undefined) {
    row.attachments = writeJson(message.attachments);
  }
  if (message.role === 'assistant' && message.toolCalls !== undefined) {
    row.tool_calls = writeJson(message.toolCalls);
  }
  if (message.role === 'tool') {
    row.tool_call_id = message.toolCallId;
    row.tool_name = message.toolName;
    if (message.isError !== undefined) row.is_error = codec.bool(message.isError);
  }
  return row;
}
