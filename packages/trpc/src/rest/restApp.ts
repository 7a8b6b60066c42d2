import type { ActiveRun, AgentRuntime, RunEvent } from '@agentmint/core';
import { AgentMintError, AgentNotFoundError, toRunOutput } from '@agentmint/core';
import type { Context } from 'hono';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { AgentInfo } from '../agentInfo.ts';
import type { AgentMintRequestState } from '../context.ts';
import { toPublicError } from '../errorMapping.ts';
import { restAgent, restEvent, restRun, restSession } from './restShapes.ts';
import { readRunRequest } from './runRequestBody.ts';

export interface RestAppDeps {
  readonly runtime: AgentRuntime;
  readonly infos: ReadonlyMap<string, AgentInfo>;
  readonly authenticate: (headers: Headers) => Promise<AgentMintRequestState>;
}

type Env = { Variables: { agentmint: AgentMintRequestState } };

/** Agno AgentOS's REST surface (snake_case, `{detail, code}` errors) over the same runtime. */
export function createRestApp(deps: RestAppDeps): Hono<Env> {
  const { runtime, infos } = deps;
  const app = new Hono<Env>();

  app.onError((error, c) => restError(c, error));
  app.notFound((c) => c.json({ detail: 'Not found', code: 'NOT_FOUND' }, 404));

  app.get('/health', (c) => c.json({ status: 'ok', instantiated_at: startedAt }));

  // Everything below needs an authenticated caller; auth runs before any body is read.
  app.use('*', async (c, next) => {
    c.set('agentmint', await deps.authenticate(c.req.raw.headers));
    await next();
  });

  app.get('/agents', (c) => {
    const { access } = c.get('agentmint');
    return c.json([...infos.values()].filter((i) => access.canReadAgent(i.id)).map(restAgent));
  });

  app.get('/agents/:agentId', (c) => {
    const agentId = c.req.param('agentId');
    const info = infos.get(agentId);
    if (!info || !c.get('agentmint').access.canReadAgent(agentId))
      throw new AgentNotFoundError(agentId);
    return c.json(restAgent(info));
  });

  app.post('/agents/:agentId/runs', async (c) => {
    const agentId = c.req.param('agentId');
    const state = c.get('agentmint');
    runtime.entry(agentId);
    state.access.assertCanRun(agentId);
    const fields = await readRunRequest(c);
    const run = await runtime.startRun({
      agentId,
      message: fields.message,
      caller: state.access.callerFor(fields.userId),
      sessionId: fields.sessionId,
      factoryInput: fields.factoryInput,
      headers: state.headers,
      streamModel: fields.stream,
    });
    if (!fields.stream) return c.json(restRun(await run.outcome(c.req.raw.signal)));
    return streamRun(c, run);
  });

  app.get('/agents/:agentId/runs/:runId', async (c) => {
    const { access } = c.get('agentmint');
    access.require('sessions:read');
    const run = await runtime.getRun(c.req.param('runId'), access.scope, c.req.param('agentId'));
    return c.json(restRun(toRunOutput(run)));
  });

  app.post('/agents/:agentId/runs/:runId/cancel', async (c) => {
    const { access } = c.get('agentmint');
    const agentId = c.req.param('agentId');
    runtime.entry(agentId);
    access.assertCanRun(agentId);
    await runtime.cancelRun(c.req.param('runId'), access.scope, agentId);
    return c.json({});
  });

  app.post('/agents/:agentId/runs/:runId/continue', async (c) => {
    const state = c.get('agentmint');
    const agentId = c.req.param('agentId');
    const runId = c.req.param('runId');
    state.access.assertCanRun(agentId);
    await runtime.getRun(runId, state.access.scope, agentId);
    const fields = await readRunRequest(c);
    const run = await runtime.continueRun({
      runId,
      message: fields.message,
      caller: state.access.callerFor(),
      headers: state.headers,
      streamModel: fields.stream,
    });
    return fields.stream ? streamRun(c, run) : c.json(restRun(await run.outcome(c.req.raw.signal)));
  });

  // Replays a run's events (SSE) after `Last-Event-ID` / `?after=`; live while the run goes on.
  app.get('/agents/:agentId/runs/:runId/events', async (c) => {
    const { access } = c.get('agentmint');
    const agentId = c.req.param('agentId');
    const runId = c.req.param('runId');
    access.assertCanRun(agentId);
    await runtime.getRun(runId, access.scope, agentId);
    const after = Number(c.req.header('last-event-id') ?? c.req.query('after') ?? 0);
    const events = runtime.events(runId, {
      afterSeq: Number.isSafeInteger(after) && after > 0 ? after : 0,
      scope: access.scope,
    });
    return writeSSE(c, events, () => {});
  });

  app.get('/sessions', async (c) => {
    const { access } = c.get('agentmint');
    access.require('sessions:read');
    const limit = boundedInt(c.req.query('limit'), 20, 1, 1000);
    const page = boundedInt(c.req.query('page'), 1, 1, 1_000_000);
    const agentId = c.req.query('agent_id') ?? c.req.query('component_id');
    const sessions = await runtime.listSessions(
      { ...(agentId && { agentId }), limit, offset: (page - 1) * limit },
      access.scope,
    );
    return c.json({ data: sessions.map(restSession), meta: { page, limit } });
  });

  app.get('/sessions/:sessionId', async (c) => {
    const { access } = c.get('agentmint');
    access.require('sessions:read');
    const { session, runs } = await runtime.getSession(c.req.param('sessionId'), access.scope);
    return c.json({ ...restSession(session), runs: runs.map((r) => restRun(toRunOutput(r))) });
  });

  app.get('/sessions/:sessionId/runs', async (c) => {
    const { access } = c.get('agentmint');
    access.require('sessions:read');
    const { runs } = await runtime.getSession(c.req.param('sessionId'), access.scope);
    return c.json(runs.map((r) => restRun(toRunOutput(r))));
  });

  app.delete('/sessions/:sessionId', async (c) => {
    const { access } = c.get('agentmint');
    access.require('sessions:delete');
    await runtime.deleteSession(c.req.param('sessionId'), access.scope);
    return c.body(null, 204);
  });

  app.post('/sessions/:sessionId/rename', async (c) => {
    const { access } = c.get('agentmint');
    access.require('sessions:write');
    const body = (await c.req.json().catch(() => null)) as { session_name?: unknown } | null;
    if (typeof body?.session_name !== 'string' || body.session_name.length === 0) {
      throw new AgentMintError('BAD_REQUEST', '`session_name` is required');
    }
    const session = await runtime.renameSession(
      c.req.param('sessionId'),
      body.session_name,
      access.scope,
    );
    return c.json(restSession(session));
  });

  return app;
}

const startedAt = Math.floor(Date.now() / 1000);

/** A run's events as Agno SSE; the client going away cancels the run (this stream cannot resume). */
function streamRun(c: Context, run: ActiveRun): Response {
  return writeSSE(c, run.subscribe(0), () => run.cancel('client disconnected'));
}

function writeSSE(c: Context, events: AsyncGenerator<RunEvent>, onAbort: () => void): Response {
  return streamSSE(
    c,
    async (stream) => {
      stream.onAbort(() => {
        onAbort();
        void events.return(undefined);
      });
      for await (const event of events) await stream.write(sseFrame(event));
    },
    async (error, stream) => {
      const info = toPublicError(error);
      await stream.writeSSE({
        event: 'RunError',
        data: JSON.stringify({ detail: info.message, code: info.code }),
      });
    },
  );
}

/**
 * One event in Agno's SSE framing, as `writeSSE` would write it. The payload is one line: JSON
 * escapes CR and LF inside strings, and event names are fixed identifiers.
 */
function sseFrame(event: RunEvent): string {
  return `event: ${event.event}\ndata: ${JSON.stringify(restEvent(event))}\nid: ${event.seq}\n\n`;
}

export function restError(c: Context, error: unknown): Response {
  const info = toPublicError(error);
  if (info.httpStatus >= 500 && !(error instanceof AgentMintError)) {
    console.error('[agentmint] request failed', error);
  }
  if (info.retryAfterSeconds !== undefined) c.header('Retry-After', String(info.retryAfterSeconds));
  return c.json(
    { detail: info.message, code: info.code, ...(info.issues && { issues: info.issues }) },
    info.httpStatus as 400,
  );
}

function boundedInt(raw: string | undefined, fallback: number, min: number, max: number): number {
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new AgentMintError(
      'BAD_REQUEST',
      `expected an integer from ${min} to ${max}, got '${raw}'`,
    );
  }
  return value;
}
