import { Agent, AgentFactory, InMemoryDb, type NewRunRecord, silentLogger } from '@agentmint/core';
import { ScriptedModel } from '@agentmint/testing';
import { context, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AgentOS, type ServerHandle } from '../../src/index.ts';
import { form } from '../fixtures.ts';
import { MemoryTracing } from './memoryTracing.ts';
import { spanTree } from './spanTree.ts';

// Reads and session changes get an `agentmint.<operation>` span under the request's span; a
// run's store calls get a span only when they are slow (here: over 50 ms) or fail.

const SLOW_MS = 200;
const tracing = new MemoryTracing();
let server: ServerHandle;
let createRunFault: 'slow' | 'fail' | undefined;

/** An InMemoryDb whose createRun can be made slow (a database round trip) or fail (a driver error). */
class FaultyDb extends InMemoryDb {
  override async createRun(run: NewRunRecord): Promise<void> {
    if (createRunFault === 'slow') await new Promise((resolve) => setTimeout(resolve, SLOW_MS));
    if (createRunFault === 'fail') throw new Error('connect ECONNREFUSED 10.0.0.7:5432');
    return super.createRun(run);
  }
}

beforeAll(async () => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const db = new FaultyDb();
  const agent = new AgentFactory({
    id: 'plain-agent',
    db,
    factory: () => new Agent({ model: new ScriptedModel() }),
  });
  const os = new AgentOS({
    agents: [agent],
    logger: silentLogger,
    tracing: { tracerProvider: tracing.provider, storeSpanMinMs: SLOW_MS / 4 },
  });
  server = await os.serve({ port: 0 });
});

afterEach(() => {
  createRunFault = undefined;
  tracing.exporter.reset();
});

afterAll(async () => {
  await server?.close({ graceMs: 100 });
  await tracing.provider.shutdown();
  context.disable();
});

async function call(method: string, path: string, body?: BodyInit): Promise<Response> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    ...(body !== undefined && { body }),
    ...(typeof body === 'string' && { headers: { 'content-type': 'application/json' } }),
  });
  await response.arrayBuffer();
  return response;
}

function runForm(): FormData {
  return form({ message: 'hello', stream: 'false' });
}

function named(spans: readonly ReadableSpan[], name: string): ReadableSpan {
  const found = spans.find((s) => s.name === name);
  expect(found, name).toBeDefined();
  return found!;
}

describe('spans of reads and session changes', () => {
  it('traces session CRUD and run reads under their request spans, with the ids asked about', async () => {
    const created = await call(
      'POST',
      '/sessions?type=agent',
      JSON.stringify({ agent_id: 'plain-agent', session_id: 'ses_traced' }),
    );
    expect(created.status).toBe(201);
    const run = await fetch(`${server.url}/agents/plain-agent/runs`, {
      method: 'POST',
      body: form({ message: 'hello', session_id: 'ses_traced', stream: 'false' }),
    });
    const { run_id: runId } = (await run.json()) as { run_id: string };
    expect((await call('GET', '/sessions/ses_traced')).status).toBe(200);
    expect((await call('GET', `/sessions/ses_traced/runs/${runId}`)).status).toBe(200);
    expect(
      (
        await call(
          'POST',
          '/sessions/ses_traced/rename',
          JSON.stringify({ session_name: 'Renamed' }),
        )
      ).status,
    ).toBe(200);
    expect((await call('GET', '/sessions?type=agent')).status).toBe(200);
    expect((await call('DELETE', '/sessions/ses_traced')).status).toBe(204);
    expect((await call('GET', '/sessions/ses_traced')).status).toBe(404);

    const spans = await tracing.spans(8);
    const requests = spans.filter(
      (s) => s.kind === SpanKind.SERVER && !s.name.includes('/agents/'),
    );
    // Each request's own subtree (the run's spans are another test's subject).
    const trees = requests.map((request) => {
      const ids = new Set([request.spanContext().spanId]);
      for (let size = 0; size !== ids.size; ) {
        size = ids.size;
        for (const span of spans) {
          if (ids.has(span.parentSpanContext?.spanId ?? '')) ids.add(span.spanContext().spanId);
        }
      }
      return spanTree(spans.filter((s) => ids.has(s.spanContext().spanId)));
    });
    // Siblings may start in the same millisecond (list and count run together): compare as sets.
    expect(trees.map((tree) => tree.split('\n').sort())).toEqual(
      [
        ['POST /sessions', '  agentmint.createSession'],
        ['GET /sessions/:sessionId', '  agentmint.getSession'],
        // The run read inside it is part of the operation: one span.
        ['GET /sessions/:sessionId/runs/:runId', '  agentmint.getSessionRun'],
        // The answer is the renamed session, read back by the route.
        ['POST /sessions/:sessionId/rename', '  agentmint.renameSession', '  agentmint.getSession'],
        ['GET /sessions', '  agentmint.listSessions', '  agentmint.countSessions'],
        ['DELETE /sessions/:sessionId', '  agentmint.deleteSession'],
        ['GET /sessions/:sessionId', '  agentmint.getSession'],
      ].map((lines) => lines.sort()),
    );
    expect(named(spans, 'agentmint.getSessionRun').attributes).toEqual({
      'agentmint.operation': 'getSessionRun',
      'agentmint.session.id': 'ses_traced',
      'agentmint.run.id': runId,
    });
    // Ids only: a session's name is the user's words.
    expect(JSON.stringify(spans.map((s) => s.attributes))).not.toContain('Renamed');
    // The unknown session after the delete: the read span carries the code, as a 4xx (not failed).
    const missing = spans.filter((s) => s.name === 'agentmint.getSession').at(-1)!;
    expect(missing.attributes['agentmint.error.code']).toBe('SESSION_NOT_FOUND');
  });

  it('gives a slow store call a span with its own duration, and a fast one none', async () => {
    createRunFault = 'slow';
    expect((await call('POST', '/agents/plain-agent/runs', runForm())).status).toBe(200);
    const spans = await tracing.spans(1);
    const stores = spans.filter((s) => s.name.startsWith('agentmint.store '));
    expect(stores.map((s) => s.name)).toEqual(['agentmint.store createRun']);
    const [createRun] = stores;
    const durationMs = createRun!.duration[0] * 1e3 + createRun!.duration[1] / 1e6;
    expect(durationMs).toBeGreaterThanOrEqual(SLOW_MS / 2);
    const invoke = named(spans, 'invoke_agent plain-agent');
    expect(createRun!.parentSpanContext?.spanId).toBe(invoke.spanContext().spanId);
  });

  it('gives a failed store call a span with the stable code, however fast', async () => {
    createRunFault = 'fail';
    expect((await call('POST', '/agents/plain-agent/runs', runForm())).status).toBe(503);
    const spans = await tracing.spans(1);
    const createRun = named(spans, 'agentmint.store createRun');
    expect(createRun.status).toEqual({ code: SpanStatusCode.ERROR, message: 'STORE_UNAVAILABLE' });
    expect(JSON.stringify(spans.map((s) => s.attributes))).not.toContain('ECONNREFUSED');
  });
});
