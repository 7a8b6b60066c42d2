/**
 * Every `AgentOSClient` method (libs/agno/agno/client/os.py@02c4d2d) for a feature AgentMint does
 * not serve, with the exact call it makes: HTTP method, route, and body as the client encodes it.
 * Each must answer 501 FEATURE_NOT_SERVED in Agno's JSON error shape. The README lists them.
 */
export interface NotServedCall {
  readonly clientMethod: string;
  readonly feature: string;
  readonly method: string;
  readonly endpoint: string;
  readonly params?: Record<string, string>;
  readonly json?: Record<string, unknown>;
  readonly form?: Record<string, string>;
}

const page = { limit: '20', page: '1' };
const sorted = { ...page, sort_by: 'created_at', sort_order: 'desc' };

export const NOT_SERVED_CALLS: readonly NotServedCall[] = [
  { clientMethod: 'list_teams', feature: 'teams', method: 'GET', endpoint: '/teams' },
  { clientMethod: 'get_team', feature: 'teams', method: 'GET', endpoint: '/teams/t1' },
  ...(['false', 'true'] as const).flatMap((stream) => [
    {
      clientMethod: stream === 'false' ? 'run_team' : 'run_team_stream',
      feature: 'teams',
      method: 'POST',
      endpoint: '/teams/t1/runs',
      form: { message: 'hi', stream },
    },
    {
      clientMethod: stream === 'false' ? 'continue_team_run' : 'continue_team_run_stream',
      feature: 'teams',
      method: 'POST',
      endpoint: '/teams/t1/runs/r1/continue',
      form: { requirements: '[]', stream },
    },
    {
      clientMethod: stream === 'false' ? 'run_workflow' : 'run_workflow_stream',
      feature: 'workflows',
      method: 'POST',
      endpoint: '/workflows/w1/runs',
      form: { message: 'hi', stream },
    },
    {
      clientMethod: stream === 'false' ? 'continue_workflow_run' : 'continue_workflow_run_stream',
      feature: 'workflows',
      method: 'POST',
      endpoint: '/workflows/w1/runs/r1/continue',
      form: { step_requirements: '[]', stream },
    },
  ]),
  {
    clientMethod: 'cancel_team_run',
    feature: 'teams',
    method: 'POST',
    endpoint: '/teams/t1/runs/r1/cancel',
  },
  { clientMethod: 'list_workflows', feature: 'workflows', method: 'GET', endpoint: '/workflows' },
  { clientMethod: 'get_workflow', feature: 'workflows', method: 'GET', endpoint: '/workflows/w1' },
  {
    clientMethod: 'cancel_workflow_run',
    feature: 'workflows',
    method: 'POST',
    endpoint: '/workflows/w1/runs/r1/cancel',
  },
  {
    clientMethod: 'create_memory',
    feature: 'memories',
    method: 'POST',
    endpoint: '/memories',
    json: { memory: 'likes tea', user_id: 'u1' },
  },
  { clientMethod: 'get_memory', feature: 'memories', method: 'GET', endpoint: '/memories/m1' },
  {
    clientMethod: 'list_memories',
    feature: 'memories',
    method: 'GET',
    endpoint: '/memories',
    params: { ...sorted, sort_by: 'updated_at' },
  },
  {
    clientMethod: 'update_memory',
    feature: 'memories',
    method: 'PATCH',
    endpoint: '/memories/m1',
    json: { memory: 'likes coffee', user_id: 'u1' },
  },
  {
    clientMethod: 'delete_memory',
    feature: 'memories',
    method: 'DELETE',
    endpoint: '/memories/m1',
  },
  {
    clientMethod: 'delete_memories',
    feature: 'memories',
    method: 'DELETE',
    endpoint: '/memories',
    json: { memory_ids: ['m1'] },
  },
  {
    clientMethod: 'get_memory_topics',
    feature: 'memories',
    method: 'GET',
    endpoint: '/memory_topics',
  },
  {
    clientMethod: 'get_user_memory_stats',
    feature: 'memories',
    method: 'GET',
    endpoint: '/user_memory_stats',
    params: page,
  },
  {
    clientMethod: 'optimize_memories',
    feature: 'memories',
    method: 'POST',
    endpoint: '/optimize-memories',
    json: { user_id: 'u1', apply: true },
  },
  {
    clientMethod: 'list_eval_runs',
    feature: 'evals',
    method: 'GET',
    endpoint: '/eval-runs',
    params: sorted,
  },
  { clientMethod: 'get_eval_run', feature: 'evals', method: 'GET', endpoint: '/eval-runs/e1' },
  {
    clientMethod: 'delete_eval_runs',
    feature: 'evals',
    method: 'DELETE',
    endpoint: '/eval-runs',
    json: { eval_run_ids: ['e1'] },
  },
  {
    clientMethod: 'update_eval_run',
    feature: 'evals',
    method: 'PATCH',
    endpoint: '/eval-runs/e1',
    json: { name: 'renamed' },
  },
  {
    clientMethod: 'run_eval',
    feature: 'evals',
    method: 'POST',
    endpoint: '/eval-runs',
    json: { eval_type: 'accuracy', input: 'hi', agent_id: 'tenant-agent', num_iterations: 1 },
  },
  {
    clientMethod: 'upload_knowledge_content',
    feature: 'knowledge',
    method: 'POST',
    endpoint: '/knowledge/content',
    form: { name: 'doc', text_content: 'hello' },
  },
  {
    clientMethod: 'update_knowledge_content',
    feature: 'knowledge',
    method: 'PATCH',
    endpoint: '/knowledge/content/c1',
    form: { name: 'doc' },
  },
  {
    clientMethod: 'list_knowledge_content',
    feature: 'knowledge',
    method: 'GET',
    endpoint: '/knowledge/content',
    params: sorted,
  },
  {
    clientMethod: 'get_knowledge_content',
    feature: 'knowledge',
    method: 'GET',
    endpoint: '/knowledge/content/c1',
  },
  {
    clientMethod: 'delete_knowledge_content',
    feature: 'knowledge',
    method: 'DELETE',
    endpoint: '/knowledge/content/c1',
  },
  {
    clientMethod: 'delete_all_knowledge_content',
    feature: 'knowledge',
    method: 'DELETE',
    endpoint: '/knowledge/content',
  },
  {
    clientMethod: 'get_knowledge_content_status',
    feature: 'knowledge',
    method: 'GET',
    endpoint: '/knowledge/content/c1/status',
  },
  {
    clientMethod: 'search_knowledge',
    feature: 'knowledge',
    method: 'POST',
    endpoint: '/knowledge/search',
    json: { query: 'tea', meta: { limit: 20, page: 1 } },
  },
  {
    clientMethod: 'get_knowledge_config',
    feature: 'knowledge',
    method: 'GET',
    endpoint: '/knowledge/config',
  },
  {
    clientMethod: 'get_traces',
    feature: 'traces',
    method: 'GET',
    endpoint: '/traces',
    params: page,
  },
  { clientMethod: 'get_trace', feature: 'traces', method: 'GET', endpoint: '/traces/t1' },
  {
    clientMethod: 'get_trace_session_stats',
    feature: 'traces',
    method: 'GET',
    endpoint: '/trace_session_stats',
    params: page,
  },
  {
    clientMethod: 'search_traces',
    feature: 'traces',
    method: 'POST',
    endpoint: '/traces/search',
    json: { filter: null, group_by: 'run', page: 1, limit: 20 },
  },
  { clientMethod: 'get_metrics', feature: 'metrics', method: 'GET', endpoint: '/metrics' },
  {
    clientMethod: 'refresh_metrics',
    feature: 'metrics',
    method: 'POST',
    endpoint: '/metrics/refresh',
  },
  {
    clientMethod: 'get_metrics_refresh_status',
    feature: 'metrics',
    method: 'GET',
    endpoint: '/metrics/refresh/status',
  },
  {
    clientMethod: 'migrate_database',
    feature: 'database migrations',
    method: 'POST',
    endpoint: '/databases/db1/migrate',
    json: { target_version: null },
  },
];
