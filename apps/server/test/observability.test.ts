import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type CollectedSpan, startOtlpCollector } from './otlpCollector.ts';
import { startServer, stop } from './serverProcess.ts';

// apps/server as started from the README, with OTEL_EXPORTER_OTLP_ENDPOINT (http/json) pointing at
// a collector on loopback, AGENTMINT_METRICS=1 with a token, and JSON logs on stdout.

const SECRET = 'apps-server-observability-secret-32b';
const METRICS_TOKEN = 'metrics-token-7';
const MESSAGE = 'please keep this message private 9931';
const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';

let collector: Awaited<ReturnType<typeof startOtlpCollector>>;
let server: Awaited<ReturnType<typeof startServer>>;
let jwt: string;
const dir = mkdtempSync(join(tmpdir(), 'agentmint-observability-'));

beforeAll(async () => {
  collector = await startOtlpCollector();
  server = await startServer({
    AGENTMINT_DB_FILE: join(dir, 'agentmint.db'),
    DATABASE_URL: '',
    AGENTMINT_JWT_SECRET: SECRET,
    OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_SERVICE_NAME: 'agentmint-test',
    OTEL_BSP_SCHEDULE_DELAY: '50',
    OTEL_METRICS_EXPORTER: 'none',
    OTEL_LOGS_EXPORTER: 'none',
    AGENTMINT_METRICS: '1',
    AGENTMINT_METRICS_TOKEN: METRICS_TOKEN,
    AGENTMINT_LOG_FORMAT: 'json',
  });
  jwt = await new SignJWT({ sub: 'user-42', scope: 'agents:run sessions:read' })
    .setProtectedHeader({ alg: 'HS256' })
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(SECRET));
});

afterAll(async () => {
  if (server) expect(await stop(server.child)).toBe(0);
  await collector?.close();
  rmSync(dir, { recursive: true, force: true });
});

function logLines(): Record<string, unknown>[] {
  return server
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('apps/server observability from the environment', () => {
  it('exports a run’s spans over OTLP under the caller’s traceparent', async () => {
    const response = await fetch(`${server.url}/agents/research-agent/runs`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${jwt}`,
        traceparent: `00-${TRACE_ID}-b7ad6b7169203331-01`,
      },
      body: new URLSearchParams({
        message: MESSAGE,
        factory_input: '{"persona": "skeptic", "depth": 5}',
        stream: 'false',
      }),
    });
    expect(response.status).toBe(200);
    const run = (await response.json()) as { run_id: string; status: string };
    expect(run.status).toBe('COMPLETED');

    const spans = await vi.waitFor(
      () => {
        const inTrace = collector.spans.filter((s) => s.traceId === TRACE_ID);
        expect(inTrace.map((s) => s.name)).toContain('POST /agents/:agentId/runs');
        return inTrace;
      },
      { timeout: 15_000, interval: 100 },
    );
    const byName = (name: string): CollectedSpan => {
      const span = spans.find((s) => s.name === name);
      if (!span) throw new Error(`no span ${name} in ${spans.map((s) => s.name).join(', ')}`);
      return span;
    };
    const http = byName('POST /agents/:agentId/runs');
    expect(http.parentSpanId).toBe('b7ad6b7169203331');
    expect(http.serviceName).toBe('agentmint-test');
    const invoke = byName('invoke_agent research-agent');
    expect(invoke.parentSpanId).toBe(http.spanId);
    expect(invoke.attributes).toMatchObject({
      'agentmint.run.id': run.run_id,
      'gen_ai.provider.name': 'openai',
      'user.id': 'user-42',
    });
    expect(byName('chat gpt-5.4').parentSpanId).toBe(invoke.spanId);
    expect(byName('agentmint.factory.resolve').attributes['agentmint.factory.input_shape']).toBe(
      '{"depth":"number","persona":"string"}',
    );

    // One JSON log line per run start and end, with the ids and without the message.
    const finished = await vi.waitFor(() => {
      const line = logLines().find((l) => l.msg === 'run finished' && l.runId === run.run_id);
      expect(line).toBeDefined();
      return line!;
    });
    expect(finished).toMatchObject({
      agentId: 'research-agent',
      userId: 'user-42',
      status: 'COMPLETED',
      sessionId: expect.any(String),
      trace_id: TRACE_ID,
    });
    const everything = `${server.output()}\n${JSON.stringify(collector.spans)}`;
    for (const secret of [MESSAGE, jwt, SECRET, 'skeptic']) {
      expect(everything, secret).not.toContain(secret);
    }
  });

  it('serves /metrics only with the metrics token', async () => {
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    const response = await fetch(`${server.url}/metrics`, {
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toMatch(
      /^agentmint_runs_finished_total\{agent_id="research-agent",status="COMPLETED"\} [1-9]/m,
    );
  });
});
