import { z } from 'zod';

/*
 * Agno's published wire shapes, transcribed as zod schemas from agno-agi/agno (the pydantic models
 * and dataclasses Agno's own client validates responses with). Each cites its file, the commit
 * read, and the class. pydantic v2 semantics: `Optional[X]` is X or null, fields with a default may
 * be absent, unknown keys are ignored (zod's default strip), `datetime` accepts an ISO 8601 string
 * or a unix timestamp, `dict`/`List[dict]` accept any JSON object / list of objects.
 */

const SCHEMA_PY = 'libs/agno/agno/os/schema.py@00e3c4e';
const CONFIG_PY = 'libs/agno/agno/os/config.py@01566b1';
const AGENT_SCHEMA_PY = 'libs/agno/agno/os/routers/agents/schema.py@01e6e7a';
const RUN_AGENT_PY = 'libs/agno/agno/run/agent.py@00b3286';
export const SOURCES = { SCHEMA_PY, CONFIG_PY, AGENT_SCHEMA_PY, RUN_AGENT_PY } as const;

const optional = <T extends z.ZodType>(schema: T) => schema.nullish();
const pyDict = z.record(z.string(), z.unknown());
const pyDatetime = z.union([z.iso.datetime({ offset: true }), z.number()]);

// schema.py: class AgentSummaryResponse(BaseModel)
export const AgentSummaryResponse = z.object({
  id: optional(z.string()),
  name: optional(z.string()),
  description: optional(z.string()),
  db_id: optional(z.string()),
});

// schema.py: class TeamSummaryResponse / class WorkflowSummaryResponse (AgentMint lists none).
const TeamSummaryResponse = AgentSummaryResponse.extend({ mode: optional(z.string()) });
const WorkflowSummaryResponse = AgentSummaryResponse.extend({
  is_component: z.boolean().optional(),
  current_version: optional(z.number().int()),
  stage: optional(z.string()),
});

// schema.py: class InterfaceResponse(BaseModel)
const InterfaceResponse = z.object({ type: z.string(), version: z.string(), route: z.string() });

// config.py: class DatabaseConfig(BaseModel, Generic[DomainConfigType]) with *DomainConfig
const DatabaseConfig = z.object({
  db_id: z.string(),
  domain_config: optional(z.object({ display_name: optional(z.string()) })),
  tables: optional(z.array(z.string())),
});
// config.py: class SessionConfig / MemoryConfig / MetricsConfig / EvalsConfig / TracesConfig
const DomainConfig = z.object({
  display_name: optional(z.string()),
  dbs: optional(z.array(DatabaseConfig)),
});
// config.py: class KnowledgeConfig(KnowledgeDomainConfig) (dbs: KnowledgeDatabaseConfig)
const KnowledgeConfig = DomainConfig.extend({
  knowledge_instances: optional(z.array(pyDict)),
});
// config.py: class ChatConfig(BaseModel)
const ChatConfig = z.object({ quick_prompts: z.record(z.string(), z.array(z.string())) });

// schema.py: class ConfigResponse(BaseModel) — what `AgentOSClient.get_config()` validates.
export const ConfigResponse = z.object({
  os_id: z.string(),
  name: optional(z.string()),
  description: optional(z.string()),
  available_models: optional(z.array(z.string())),
  os_database: optional(z.string()),
  databases: z.array(z.string()),
  chat: optional(ChatConfig),
  session: optional(DomainConfig),
  metrics: optional(DomainConfig),
  memory: optional(DomainConfig),
  knowledge: optional(KnowledgeConfig),
  evals: optional(DomainConfig),
  traces: optional(DomainConfig),
  agents: z.array(AgentSummaryResponse),
  teams: z.array(TeamSummaryResponse),
  workflows: z.array(WorkflowSummaryResponse),
  interfaces: z.array(InterfaceResponse),
});

// schema.py: class Model(BaseModel) — `GET /models` answers List[Model].
export const ModelItem = z.object({ id: optional(z.string()), provider: optional(z.string()) });

// schema.py: class ModelResponse(BaseModel)
export const ModelResponse = z.object({
  name: optional(z.string()),
  model: optional(z.string()),
  provider: optional(z.string()),
});

// routers/agents/schema.py: class AgentResponse(BaseModel) — what `get_agent()` validates.
export const AgentResponse = z.object({
  id: optional(z.string()),
  name: optional(z.string()),
  db_id: optional(z.string()),
  description: optional(z.string()),
  model: optional(ModelResponse),
  tools: optional(pyDict),
  sessions: optional(pyDict),
  knowledge: optional(pyDict),
  memory: optional(pyDict),
  reasoning: optional(pyDict),
  default_tools: optional(pyDict),
  system_message: optional(pyDict),
  extra_messages: optional(pyDict),
  response_settings: optional(pyDict),
  introduction: optional(z.string()),
  streaming: optional(pyDict),
  metadata: optional(pyDict),
  input_schema: optional(pyDict),
});

// schema.py: class SessionSchema(BaseModel); the client builds it with SessionSchema.from_dict,
// which reads `session_name` (else derives it), `session_data.session_state` and the times.
export const SessionSchema = z.object({
  session_id: z.string(),
  session_name: z.string(),
  session_state: optional(pyDict),
  created_at: optional(pyDatetime),
  updated_at: optional(pyDatetime),
});

// schema.py: class PaginationInfo(BaseModel)
export const PaginationInfo = z.object({
  page: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).default(20),
  total_pages: z.number().int().min(0).default(0),
  total_count: z.number().int().min(0).default(0),
  search_time_ms: z.number().min(0).default(0),
});

// schema.py: class PaginatedResponse(BaseModel, Generic[T])
export const PaginatedResponse = <T extends z.ZodType>(item: T) =>
  z.object({ data: z.array(item), meta: PaginationInfo });

// schema.py: class AgentSessionDetailSchema(BaseModel) — get/create/rename/update of an agent session.
export const AgentSessionDetailSchema = z.object({
  user_id: optional(z.string()),
  agent_session_id: z.string(),
  session_id: z.string(),
  session_name: z.string(),
  session_summary: optional(pyDict),
  session_state: optional(pyDict),
  agent_id: optional(z.string()),
  total_tokens: optional(z.number().int()),
  agent_data: optional(pyDict),
  metrics: optional(pyDict),
  metadata: optional(pyDict),
  chat_history: optional(z.array(pyDict)),
  created_at: optional(pyDatetime),
  updated_at: optional(pyDatetime),
});

// schema.py: class RunSchema(BaseModel) — `get_session_runs()` / `get_session_run()` items.
export const RunSchema = z.object({
  run_id: z.string(),
  parent_run_id: optional(z.string()),
  agent_id: optional(z.string()),
  user_id: optional(z.string()),
  fork_id: optional(z.string()),
  status: optional(z.string()),
  run_input: optional(z.string()),
  content: optional(z.union([z.string(), pyDict])),
  run_response_format: optional(z.string()),
  reasoning_content: optional(z.string()),
  reasoning_steps: optional(z.array(pyDict)),
  metrics: optional(pyDict),
  messages: optional(z.array(pyDict)),
  tools: optional(z.array(pyDict)),
  events: optional(z.array(pyDict)),
  created_at: optional(pyDatetime),
  references: optional(z.array(pyDict)),
  citations: optional(pyDict),
  reasoning_messages: optional(z.array(pyDict)),
  session_state: optional(pyDict),
  images: optional(z.array(pyDict)),
  videos: optional(z.array(pyDict)),
  audio: optional(z.array(pyDict)),
  files: optional(z.array(pyDict)),
  response_audio: optional(pyDict),
  input_media: optional(pyDict),
  followups: optional(z.array(z.string())),
});

// run/base.py: class RunStatus(str, Enum)
export const RunStatus = z.enum([
  'PENDING',
  'RUNNING',
  'COMPLETED',
  'PAUSED',
  'CANCELLED',
  'ERROR',
]);

// models/message.py: class Message — `Message.from_dict` needs a role; content may be absent.
const Message = z.looseObject({
  role: z.string(),
  content: z.unknown().optional(),
  tool_calls: optional(z.array(pyDict)),
  tool_call_id: optional(z.string()),
  tool_name: optional(z.string()),
});

// run/agent.py: class RunInput (dataclass) — `RunOutput.input`, rebuilt with RunInput.from_dict.
const RunInput = z.object({ input_content: z.unknown() });

// models/response.py: class ToolExecution (dataclass), as events and paused runs carry it.
const ToolExecution = z.looseObject({
  tool_call_id: optional(z.string()),
  tool_name: optional(z.string()),
  tool_args: optional(pyDict),
  requires_confirmation: optional(z.boolean()),
  external_execution_required: optional(z.boolean()),
});

// run/agent.py: class RunOutput (dataclass) — `run_agent()` returns RunOutput.from_dict(body).
export const RunOutput = z.object({
  run_id: optional(z.string()),
  agent_id: optional(z.string()),
  agent_name: optional(z.string()),
  session_id: optional(z.string()),
  parent_run_id: optional(z.string()),
  user_id: optional(z.string()),
  input: optional(RunInput),
  content: z.unknown().optional(),
  content_type: z.string().optional(),
  model: optional(z.string()),
  model_provider: optional(z.string()),
  messages: optional(z.array(Message)),
  metrics: optional(pyDict),
  created_at: z.number().int().optional(),
  status: RunStatus.optional(),
  // RunOutput.tools: the ToolExecutions of the run (a paused run's pending ones).
  tools: optional(z.array(ToolExecution)),
});

// run/agent.py: class BaseAgentRunEvent(BaseRunOutputEvent) — fields every agent event carries.
const BaseAgentRunEvent = z.object({
  created_at: z.number().int(),
  event: z.string(),
  agent_id: z.string(),
  agent_name: z.string(),
  run_id: optional(z.string()),
  parent_run_id: optional(z.string()),
  session_id: optional(z.string()),
  content: z.unknown().optional(),
});

// run/agent.py: RUN_EVENT_TYPE_REGISTRY — the events `run_output_event_from_dict` knows (others
// raise ValueError and the client's `_parse_sse_events` drops them), with their own fields.
export const RUN_EVENT_SCHEMAS = {
  RunStarted: BaseAgentRunEvent.extend({ model: z.string(), model_provider: z.string() }),
  RunContent: BaseAgentRunEvent.extend({ content_type: z.string() }),
  RunContentCompleted: BaseAgentRunEvent,
  RunCompleted: BaseAgentRunEvent.extend({ content_type: z.string(), metrics: optional(pyDict) }),
  RunError: BaseAgentRunEvent.extend({
    content: optional(z.string()),
    error_type: optional(z.string()),
    error_id: optional(z.string()),
    additional_data: optional(pyDict),
  }),
  RunCancelled: BaseAgentRunEvent.extend({ reason: optional(z.string()) }),
  RunPaused: BaseAgentRunEvent.extend({ tools: optional(z.array(ToolExecution)) }),
  RunContinued: BaseAgentRunEvent,
  ToolCallStarted: BaseAgentRunEvent.extend({ tool: optional(ToolExecution) }),
  ToolCallCompleted: BaseAgentRunEvent.extend({ tool: optional(ToolExecution) }),
  ToolCallError: BaseAgentRunEvent.extend({
    tool: optional(ToolExecution),
    error: optional(z.string()),
  }),
  ModelRequestStarted: BaseAgentRunEvent.extend({
    model: optional(z.string()),
    model_provider: optional(z.string()),
  }),
  ModelRequestCompleted: BaseAgentRunEvent.extend({
    model: optional(z.string()),
    model_provider: optional(z.string()),
    input_tokens: optional(z.number().int()),
    output_tokens: optional(z.number().int()),
    total_tokens: optional(z.number().int()),
  }),
} as const;

export type AgnoEventName = keyof typeof RUN_EVENT_SCHEMAS;

// schema.py: class BadRequestResponse / NotFoundResponse / … — `detail` (+ AgentMint's stable `code`).
export const ErrorResponse = z.object({ detail: z.string(), code: z.string() });
