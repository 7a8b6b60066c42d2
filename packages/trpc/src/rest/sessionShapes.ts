import type { RunRecord, SessionRecord } from '@agentmint/core';
import { toRunOutput } from '@agentmint/core';
import { restMessage, restRun } from './restShapes.ts';

// Agno's session and session-run shapes (libs/agno/agno/os/schema.py: SessionSchema,
// AgentSessionDetailSchema, RunSchema). Runs are passed oldest first.

/** Agno's datetimes on the wire: ISO 8601, UTC, whole seconds, `Z` (pydantic's rendering). */
export function isoSeconds(date: Date): string {
  return `${new Date(Math.floor(date.getTime() / 1000) * 1000).toISOString().slice(0, 19)}Z`;
}

/** Agno's `get_session_name`: the stored name, else the first user message of its runs, else ''. */
export function sessionName(session: SessionRecord, runsOldestFirst: readonly RunRecord[]): string {
  if (session.name !== null) return session.name;
  for (const run of runsOldestFirst) {
    const user = run.messages.find((m) => m.role === 'user' && m.content);
    if (user?.content) return user.content;
    if (run.input) return run.input;
  }
  return '';
}

/** One item of `GET /sessions` (SessionSchema), plus `session_data` so Agno's client sees the state. */
export function restSessionSummary(session: SessionRecord, name: string) {
  return {
    session_id: session.sessionId,
    session_name: name,
    session_state: session.state,
    agent_id: session.agentId,
    user_id: session.userId,
    created_at: isoSeconds(session.createdAt),
    updated_at: isoSeconds(session.updatedAt),
    // Agno's client builds SessionSchema.from_dict, which reads the state from session_data.
    session_data: {
      session_state: session.state,
      ...(session.name !== null && { session_name: session.name }),
    },
  };
}

/** A session's totals over its runs, in Agno's session_metrics keys. */
export function sessionMetrics(runs: readonly RunRecord[]) {
  const totals = { input_tokens: 0, output_tokens: 0, total_tokens: 0, duration: 0 };
  for (const { metrics } of runs) {
    if (!metrics) continue;
    totals.input_tokens += metrics.inputTokens;
    totals.output_tokens += metrics.outputTokens;
    totals.total_tokens += metrics.totalTokens;
    totals.duration += metrics.duration;
  }
  return totals;
}

/** `GET /sessions/{id}`, rename, update and create: AgentSessionDetailSchema, plus AgentMint's `runs`. */
export function restSessionDetail(
  session: SessionRecord,
  runsOldestFirst: readonly RunRecord[],
  agentName: string | null,
) {
  const metrics = sessionMetrics(runsOldestFirst);
  return {
    user_id: session.userId,
    agent_session_id: session.sessionId,
    session_id: session.sessionId,
    session_name: sessionName(session, runsOldestFirst),
    session_state: session.state,
    agent_id: session.agentId,
    total_tokens: metrics.total_tokens,
    agent_data: { agent_id: session.agentId, ...(agentName !== null && { name: agentName }) },
    metrics,
    chat_history: runsOldestFirst.flatMap((run) => run.messages.map(restMessage)),
    created_at: isoSeconds(session.createdAt),
    updated_at: isoSeconds(session.updatedAt),
    ...(session.forkedFromSessionId !== undefined && {
      forked_from_session_id: session.forkedFromSessionId,
    }),
    runs: runsOldestFirst.map((run) => restRun(toRunOutput(run), { input: run.input, agentName })),
  };
}

/** `GET /sessions/{id}/runs[/{run_id}]`: RunSchema (with `run_input`), plus the run record's fields. */
export function restSessionRun(run: RunRecord, agentName: string | null) {
  return {
    ...restRun(toRunOutput(run), { input: run.input, agentName }),
    run_input: run.input,
    run_response_format: 'text',
    created_at: isoSeconds(run.createdAt),
  };
}
