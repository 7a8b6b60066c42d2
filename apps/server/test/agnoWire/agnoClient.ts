import type { z } from 'zod';
import {
  AgentResponse,
  AgentSessionDetailSchema,
  AgentSummaryResponse,
  type AgnoEventName,
  ConfigResponse,
  ModelItem,
  PaginatedResponse,
  RUN_EVENT_SCHEMAS,
  RunOutput,
  RunSchema,
  SessionSchema,
} from './agnoSchemas.ts';

/*
 * Agno's `AgentOSClient` (libs/agno/agno/client/os.py@02c4d2d), method for method: the same HTTP
 * method and route, the same body encoding (`data=` → form-urlencoded, `json=` → JSON) and field
 * names, the same query parameters with their defaults, and the same parsing of the answer: each
 * response is validated with the pydantic model the Python client validates it with.
 */

/** httpx's `raise_for_status()`: any non-2xx answer. */
export class AgnoHttpError extends Error {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Headers;

  constructor(status: number, body: unknown, headers: Headers) {
    super(`HTTP ${status}: ${JSON.stringify(body)}`);
    this.status = status;
    this.body = body;
    this.headers = headers;
  }
}

type Params = Record<string, string | number | boolean | undefined | null>;
type Body = Record<string, unknown>;

export type SessionType = 'agent' | 'team' | 'workflow';

/** One SSE event as `_parse_sse_events` yields it: the name and the validated payload. */
export interface AgnoEvent {
  readonly event: AgnoEventName;
  readonly data: Record<string, unknown>;
}

export class AgnoOSClient {
  readonly baseUrl: string;
  /** Extra headers on every call (Agno passes `headers=` per call; the tests pass a bearer token). */
  headers: Record<string, string>;

  constructor(baseUrl: string, headers: Record<string, string> = {}) {
    this.baseUrl = baseUrl.replace(/\/$/, '');
    this.headers = headers;
  }

  // os.py `_request`: params without None, `json=` or form `data=`, raise_for_status, JSON or None.
  async request(
    method: string,
    endpoint: string,
    options: { params?: Params; json?: Body; form?: Record<string, string> } = {},
  ): Promise<unknown> {
    const url = new URL(`${this.baseUrl}${endpoint}`);
    for (const [key, value] of Object.entries(options.params ?? {})) {
      if (value !== undefined && value !== null) url.searchParams.set(key, String(value));
    }
    const headers: Record<string, string> = { ...this.headers };
    let body: string | undefined;
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    } else if (options.form !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(options.form).toString();
    }
    const response = await fetch(url, { method, headers, ...(body !== undefined && { body }) });
    const text = await response.text();
    const parsed: unknown = text ? JSON.parse(text) : null;
    if (!response.ok) throw new AgnoHttpError(response.status, parsed, response.headers);
    return parsed;
  }

  // --- Discovery & configuration ---

  /** `get_config`: GET /config → ConfigResponse.model_validate. */
  async getConfig(): Promise<z.output<typeof ConfigResponse>> {
    return ConfigResponse.parse(await this.request('GET', '/config'));
  }

  /** Not a client method: Agno's `GET /models` route (router.py `get_models`), List[Model]. */
  async getModels(): Promise<z.output<typeof ModelItem>[]> {
    return ModelItem.array().parse(await this.request('GET', '/models'));
  }

  /** `list_agents`: GET /agents → [AgentSummaryResponse]. */
  async listAgents(): Promise<z.output<typeof AgentSummaryResponse>[]> {
    return AgentSummaryResponse.array().parse(await this.request('GET', '/agents'));
  }

  /** `get_agent` / `aget_agent`: GET /agents/{id} → AgentResponse. */
  async getAgent(agentId: string): Promise<z.output<typeof AgentResponse>> {
    return AgentResponse.parse(await this.request('GET', `/agents/${agentId}`));
  }

  // --- Agent runs ---

  /** `run_agent`: form data with stream "false"; dict kwargs are JSON-encoded (e.g. factory_input). */
  async runAgent(
    agentId: string,
    message: string,
    options: { sessionId?: string; userId?: string; kwargs?: Record<string, unknown> } = {},
  ): Promise<z.output<typeof RunOutput>> {
    const data = runForm(message, 'false', options);
    return RunOutput.parse(await this.request('POST', `/agents/${agentId}/runs`, { form: data }));
  }

  /** `run_agent_stream`: the same form with stream "true", parsed by `_parse_sse_events`. */
  async *runAgentStream(
    agentId: string,
    message: string,
    options: { sessionId?: string; userId?: string; kwargs?: Record<string, unknown> } = {},
  ): AsyncGenerator<AgnoEvent> {
    yield* this.#streamForm(`/agents/${agentId}/runs`, runForm(message, 'true', options));
  }

  // os.py `_astream_post_form_data`: a form POST whose answer is SSE, raising on non-2xx.
  async *#streamForm(endpoint: string, form: Record<string, string>): AsyncGenerator<AgnoEvent> {
    const response = await fetch(`${this.baseUrl}${endpoint}`, {
      method: 'POST',
      headers: { ...this.headers, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
    if (!response.ok) {
      throw new AgnoHttpError(response.status, await response.json(), response.headers);
    }
    yield* parseSseEvents(response);
  }

  /**
   * `continue_agent_run`: form data with `tools` = json.dumps([tool.to_dict() …]) (every
   * ToolExecution field, None included), stream "false", then session/user ids and kwargs.
   */
  async continueAgentRun(
    agentId: string,
    runId: string,
    tools: readonly AgnoToolExecution[],
    options: { sessionId?: string; userId?: string; kwargs?: Record<string, unknown> } = {},
  ): Promise<z.output<typeof RunOutput>> {
    const data = continueForm(tools, 'false', options);
    const endpoint = `/agents/${agentId}/runs/${runId}/continue`;
    return RunOutput.parse(await this.request('POST', endpoint, { form: data }));
  }

  /** `continue_agent_run_stream`: the same form with stream "true", parsed by `_parse_sse_events`. */
  async *continueAgentRunStream(
    agentId: string,
    runId: string,
    tools: readonly AgnoToolExecution[],
    options: { sessionId?: string; userId?: string } = {},
  ): AsyncGenerator<AgnoEvent> {
    const endpoint = `/agents/${agentId}/runs/${runId}/continue`;
    yield* this.#streamForm(endpoint, continueForm(tools, 'true', options));
  }

  /** `cancel_agent_run`: POST /agents/{id}/runs/{run_id}/cancel, no body. */
  async cancelAgentRun(agentId: string, runId: string): Promise<void> {
    await this.request('POST', `/agents/${agentId}/runs/${runId}/cancel`);
  }

  // --- Sessions ---

  /** `create_session`: POST /sessions?type=…, JSON CreateSessionRequest.model_dump() (nulls included). */
  async createSession(
    options: {
      sessionType?: SessionType;
      sessionId?: string;
      userId?: string;
      sessionName?: string;
      sessionState?: Record<string, unknown>;
      metadata?: Record<string, unknown>;
      agentId?: string;
      teamId?: string;
      workflowId?: string;
      dbId?: string;
    } = {},
  ): Promise<z.output<typeof AgentSessionDetailSchema>> {
    const data = await this.request('POST', '/sessions', {
      params: { type: options.sessionType ?? 'agent', db_id: options.dbId },
      json: {
        session_id: options.sessionId ?? null,
        session_name: options.sessionName ?? null,
        session_state: options.sessionState ?? null,
        metadata: options.metadata ?? null,
        user_id: options.userId ?? null,
        agent_id: options.agentId ?? null,
        team_id: options.teamId ?? null,
        workflow_id: options.workflowId ?? null,
      },
    });
    return AgentSessionDetailSchema.parse(data);
  }

  /** `get_sessions`: GET /sessions with Agno's defaults (limit 20, page 1, created_at desc). */
  async getSessions(
    options: {
      sessionType?: SessionType;
      componentId?: string;
      userId?: string;
      sessionName?: string;
      limit?: number;
      page?: number;
      sortBy?: string;
      sortOrder?: string;
    } = {},
  ) {
    const response = (await this.request('GET', '/sessions', {
      params: {
        type: options.sessionType,
        limit: String(options.limit ?? 20),
        page: String(options.page ?? 1),
        sort_by: options.sortBy ?? 'created_at',
        sort_order: options.sortOrder ?? 'desc',
        user_id: options.userId,
        session_name: options.sessionName,
        component_id: options.componentId,
      },
    })) as { data?: unknown; meta?: unknown };
    // The client re-validates `meta` with PaginationInfo and builds each item with from_dict.
    return PaginatedResponse(SessionSchema).parse({
      data: response.data ?? [],
      meta: response.meta ?? {},
    });
  }

  /** `get_session`: GET /sessions/{id}; agent_id in the answer picks AgentSessionDetailSchema. */
  async getSession(
    sessionId: string,
    options: { sessionType?: SessionType; userId?: string } = {},
  ) {
    const data = (await this.request('GET', `/sessions/${sessionId}`, {
      params: { type: options.sessionType, user_id: options.userId },
    })) as Record<string, unknown>;
    return pickSessionSchema(sessionId, data, options.sessionType);
  }

  /** `get_session_runs`: GET /sessions/{id}/runs → [RunSchema] (no team_id/workflow_id). */
  async getSessionRuns(
    sessionId: string,
    options: { createdAfter?: number; createdBefore?: number; userId?: string } = {},
  ) {
    const data = await this.request('GET', `/sessions/${sessionId}/runs`, {
      params: {
        user_id: options.userId,
        created_after: options.createdAfter,
        created_before: options.createdBefore,
      },
    });
    return RunSchema.array().parse(data);
  }

  /** `get_session_run`: GET /sessions/{id}/runs/{run_id} → RunSchema. */
  async getSessionRun(sessionId: string, runId: string) {
    return RunSchema.parse(await this.request('GET', `/sessions/${sessionId}/runs/${runId}`));
  }

  /** `delete_session`: DELETE /sessions/{id}. */
  async deleteSession(sessionId: string, options: { userId?: string } = {}): Promise<void> {
    await this.request('DELETE', `/sessions/${sessionId}`, { params: { user_id: options.userId } });
  }

  /** `delete_sessions`: DELETE /sessions with JSON DeleteSessionRequest. */
  async deleteSessions(sessionIds: string[], sessionTypes: SessionType[]): Promise<void> {
    await this.request('DELETE', '/sessions', {
      json: { session_ids: sessionIds, session_types: sessionTypes },
    });
  }

  /** `rename_session`: POST /sessions/{id}/rename with JSON {session_name}. */
  async renameSession(sessionId: string, sessionName: string) {
    const data = (await this.request('POST', `/sessions/${sessionId}/rename`, {
      json: { session_name: sessionName },
    })) as Record<string, unknown>;
    return pickSessionSchema(sessionId, data, undefined);
  }

  /** `update_session`: PATCH /sessions/{id} with UpdateSessionRequest.model_dump(exclude_none=True). */
  async updateSession(
    sessionId: string,
    update: {
      sessionName?: string;
      sessionState?: Record<string, unknown>;
      metadata?: Record<string, unknown>;
      summary?: Record<string, unknown>;
    },
  ) {
    const json: Body = {};
    if (update.sessionName !== undefined) json.session_name = update.sessionName;
    if (update.sessionState !== undefined) json.session_state = update.sessionState;
    if (update.metadata !== undefined) json.metadata = update.metadata;
    if (update.summary !== undefined) json.summary = update.summary;
    const data = (await this.request('PATCH', `/sessions/${sessionId}`, { json })) as Record<
      string,
      unknown
    >;
    return pickSessionSchema(sessionId, data, undefined);
  }
}

/** What a caller sets on a ToolExecution before sending it back (the rest are the dataclass defaults). */
export interface AgnoToolExecution {
  readonly tool_call_id: string;
  readonly tool_name?: string | null | undefined;
  readonly tool_args?: Record<string, unknown> | null | undefined;
  readonly requires_confirmation?: boolean | null | undefined;
  readonly confirmed?: boolean | null | undefined;
  readonly confirmation_note?: string | null | undefined;
  readonly external_execution_required?: boolean | null | undefined;
  readonly result?: string | null | undefined;
}

/** `ToolExecution.to_dict()`: `asdict`, so every field is present, None as null. */
function toolExecutionDict(tool: AgnoToolExecution): Record<string, unknown> {
  return {
    tool_call_id: tool.tool_call_id,
    tool_name: tool.tool_name ?? null,
    tool_args: tool.tool_args ?? null,
    tool_call_error: null,
    result: tool.result ?? null,
    metrics: {},
    child_run_id: null,
    stop_after_tool_call: false,
    created_at: Math.floor(Date.now() / 1000),
    requires_confirmation: tool.requires_confirmation ?? null,
    confirmed: tool.confirmed ?? null,
    confirmation_note: tool.confirmation_note ?? null,
    requires_user_input: null,
    user_input_schema: null,
    answered: null,
    external_execution_required: tool.external_execution_required ?? null,
    external_execution_silent: null,
  };
}

/** The ids and kwargs Agno's client sends: what `runForm` and `continueForm` share. */
interface FormOptions {
  sessionId?: string;
  userId?: string;
  kwargs?: Record<string, unknown>;
}

/** The form of `continue_agent_run[_stream]`: tools (JSON), stream, ids, then kwargs. */
function continueForm(
  tools: readonly AgnoToolExecution[],
  stream: 'true' | 'false',
  options: FormOptions,
): Record<string, string> {
  return withIdsAndKwargs({ tools: JSON.stringify(tools.map(toolExecutionDict)), stream }, options);
}

/** The form of `run_agent` / `run_agent_stream`: message, stream, ids, then kwargs (dicts as JSON). */
function runForm(
  message: string,
  stream: 'true' | 'false',
  options: FormOptions,
): Record<string, string> {
  return withIdsAndKwargs({ message, stream }, options);
}

function withIdsAndKwargs(
  data: Record<string, string>,
  options: FormOptions,
): Record<string, string> {
  if (options.sessionId !== undefined) data.session_id = options.sessionId;
  if (options.userId !== undefined) data.user_id = options.userId;
  for (const [key, value] of Object.entries(options.kwargs ?? {})) {
    if (value === undefined || value === null) continue;
    data[key] = typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
  return data;
}

/** The client's schema choice for a session answer: `agent_id` present → agent session. */
function pickSessionSchema(
  sessionId: string,
  data: Record<string, unknown>,
  sessionType: SessionType | undefined,
) {
  if (sessionType === 'agent' || (sessionType === undefined && data.agent_id != null)) {
    return AgentSessionDetailSchema.parse(data);
  }
  throw new Error(`Could not determine session type for session ${sessionId}`);
}

/**
 * `_parse_sse_events`: reads lines, skips empty ones and comments, parses `data: ` lines as JSON,
 * builds the event with `run_output_event_from_dict` (an unknown `event` raises and is skipped, a
 * payload without `event` too), and yields the rest. Validates each against its dataclass.
 */
export async function* parseSseEvents(response: Response): AsyncGenerator<AgnoEvent> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (value) buffer += value;
    const lines = buffer.split('\n');
    buffer = done ? '' : (lines.pop() ?? '');
    for (const line of lines) {
      if (!line || line.startsWith(':') || !line.startsWith('data: ')) continue;
      const data = JSON.parse(line.slice(6)) as Record<string, unknown>;
      const name = data.event as string;
      const schema = RUN_EVENT_SCHEMAS[name as AgnoEventName];
      if (schema === undefined) {
        skipped.push(data);
        continue;
      }
      yield { event: name as AgnoEventName, data: schema.parse(data) as Record<string, unknown> };
    }
    if (done) return;
  }
}

/** Payloads the Python client would have dropped (unknown or missing `event`); tests assert none. */
export const skipped: Record<string, unknown>[] = [];
