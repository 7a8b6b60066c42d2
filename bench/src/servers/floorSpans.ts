import {
  type Context,
  propagation,
  SpanKind,
  type TextMapGetter,
  type Tracer,
  trace,
} from '@opentelemetry/api';

// No traceparent came: what the request span's extract reads for a bench run.
const noHeaders: TextMapGetter<object> = { get: () => undefined, keys: () => [] };
let runs = 0;

/**
 * The SDK calls of one traced REST run on InMemoryDb and nothing else: the 4 spans (request,
 * `agentmint.factory.resolve`, `invoke_agent`, `chat`) with the attribute sets AgentMint gives
 * them, the traceparent extract and a `trace.setSpan` per span. What tracing costs at the least,
 * with no code of AgentMint's around it.
 */
export function recordFloorSpans(tracer: Tracer, root: Context): void {
  const parent = propagation.extract(root, {}, noHeaders);
  const request = tracer.startSpan(
    'POST',
    {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': 'POST', 'url.path': '/agents/research-agent/runs' },
    },
    parent,
  );
  const inRequest = trace.setSpan(parent, request);
  const resolve = tracer.startSpan(
    'agentmint.factory.resolve',
    { attributes: { 'agentmint.agent.id': 'research-agent', 'agentmint.factory': true } },
    inRequest,
  );
  trace.setSpan(inRequest, resolve);
  resolve.setAttribute('agentmint.factory.input_shape', '{"depth":"number","persona":"string"}');
  resolve.end();
  const runId = `run-${runs++}`;
  const run = tracer.startSpan(
    'invoke_agent research-agent',
    {
      kind: SpanKind.INTERNAL,
      attributes: {
        'gen_ai.operation.name': 'invoke_agent',
        'gen_ai.agent.id': 'research-agent',
        'gen_ai.conversation.id': `session-${runId}`,
        'gen_ai.request.model': 'bench-model',
        'gen_ai.provider.name': 'bench',
        'gen_ai.system': 'bench',
        'agentmint.run.id': runId,
      },
    },
    inRequest,
  );
  run.setAttribute('agentmint.store.id', 'bench');
  const inRun = trace.setSpan(inRequest, run);
  const chat = tracer.startSpan(
    'chat bench-model',
    {
      kind: SpanKind.CLIENT,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'bench-model',
        'gen_ai.provider.name': 'bench',
        'gen_ai.system': 'bench',
      },
    },
    inRun,
  );
  trace.setSpan(inRun, chat);
  chat.setAttribute('gen_ai.usage.input_tokens', 20);
  chat.setAttribute('gen_ai.usage.output_tokens', 5);
  chat.end();
  run.setAttribute('gen_ai.usage.input_tokens', 20);
  run.setAttribute('gen_ai.usage.output_tokens', 5);
  run.setAttribute('agentmint.run.status', 'COMPLETED');
  run.end();
  request.updateName('POST /agents/:agentId/runs');
  request.setAttribute('http.route', '/agents/:agentId/runs');
  request.setAttribute('http.response.status_code', 200);
  request.end();
}
