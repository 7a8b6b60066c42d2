import type { ActiveRun, Logger, RunEvent } from '@agentmint/core';
import { AgentMintError, toRunOutput } from '@agentmint/core';
import type { Context } from 'hono';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { AgentMintRequestState } from '../context.ts';
import { toReportedPublicError } from '../errorMapping.ts';
import type { AgentOperations } from '../operations/agentOperations.ts';
import { restAgent, restErrorBody, restEvent, restRun, restSession } from './restShapes.ts';
import { readRunRequest } from './runRequestBody.ts';

export interface RestAppDeps {
  readonly operations: AgentOperations;
  readonly authenticate: (headers: Headers) => Promise<AgentMintRequestState>;
  readonly logger: Logger;
}

type Env = { Variables: { agentmint: AgentMintRequestState } };

/**
 * Agno AgentOS's REST surface (snake_case, `{detail, code}` errors): it translates wire shapes to
 * the operations layer and back; every check happens there.
 */
export function createRestApp(deps: RestAppDeps): Hono<Env> {
  const { operations: ops } = deps;
  const app = new Hono<Env>();

  app.onError((error, c) => restError(c, error, deps.logger));
  app.notFound((c) => c.json({ detail: 'Not found', code: 'NOT_FOUND' }, 404));

  app.get('/health', (c) => c.json({ status: 'ok', instantiated_at: startedAt }));

  // Everything below needs an authenticated caller; auth runs before any body is read.
  app.use('*', async (c, next) => {
    c.set('agentmint', await deps.authenticate(c.req.raw.headers));
    await next();
  });

  app.get('/agents', (c) => c.json(ops.listAgents(c.get('agentmint')).map(restAgent)));

  app.get('/agents/:agentId', (c) =>
    c.json(restAgent(ops.getAgent(c.get('agentmint'), { agentId: c.req.param('agentId') }))),
  );

  app.post('/agents/:agentId/runs', async (c) => {
    const caller = c.get('agentmint');
    const agentId = c.req.param('agentId');
    // Unknown agent and missing scope answer before the body is read.
    ops.authorizeStart(caller, { agentId });
    const fields = await readRunRequest(c);
    const run = await ops.startRun(caller, {
      agentId,
      message: fields.message,
      userId: fields.userId,
      sessionId: fields.sessionId,
      factoryInput: fields.factoryInput,
      attachments: fields.attachments,
      streamModel: fields.stream,
    });
    if (fields.background) {
      // Agno's background run: nothing but an explicit cancel stops it.
      if (!fields.stream) {
        const { runId, sessionId } = run.ids;
        return c.json({ run_id: runId, session_id: sessionId, status: 'RUNNING' }, 202);
      }
      return writeSSE(c, run.subscribe(0), deps.logger, () => {});
    }
    if (!fields.stream) return c.json(restRun(await run.outcome(c.req.raw.signal)));
    return streamRun(c, run, deps.logger);
  });

  app.get('/agents/:agentId/runs/:runId', async (c) => {
    const run = await ops.getRun(c.get('agentmint'), runRef(c));
    return c.json(restRun(toRunOutput(run)));
  });

  app.post('/agents/:agentId/runs/:runId/cancel', async (c) => {
    await ops.cancelRun(c.get('agentmint'), runRef(c));
    return c.json({});
  });

  app.post('/agents/:agentId/runs/:runId/continue', async (c) => {
    const caller = c.get('agentmint');
    const fields = await readRunRequest(c);
    const run = await ops.continueRun(caller, {
      ...runRef(c),
      message: fields.message,
      streamModel: fields.stream,
    });
    return fields.stream
      ? streamRun(c, run, deps.logger)
      : c.json(restRun(await run.outcome(c.req.raw.signal)));
  });

  // Replays a run's events (SSE) after `Last-Event-ID` / `?after=`; live while the run goes on.
  app.get('/agents/:agentId/runs/:runId/events', async (c) => {
    const after = Number(c.req.header('last-event-id') ?? c.req.query('after') ?? 0);
    const events = await ops.watchRun(c.get('agentmint'), {
      ...runRef(c),
      afterSeq: Number.isSafeInteger(after) && after > 0 ? after : 0,
      signal: c.req.raw.signal,
    });
    return writeSSE(c, events, deps.logger, () => {});
  });

  // Agno's resume: the events after `last_event_index` (0-based, as every SSE payload's
  // `event_index`), then live; never starts anything.
  app.post('/agents/:agentId/runs/:runId/resume', async (c) => {
    const body = (await c.req.json().catch(() => ({}))) as { last_event_index?: unknown } | null;
    const index = body?.last_event_index ?? -1;
    if (typeof index !== 'number' || !Number.isSafeInteger(index) || index < -1) {
      throw new AgentMintError('BAD_REQUEST', '`last_event_index` must be an integer from 0');
    }
    const events = await ops.watchRun(c.get('agentmint'), {
      ...runRef(c),
      afterSeq: index + 1,
      signal: c.req.raw.signal,
    });
    return writeSSE(c, events, deps.logger, () => {});
  });

  app.get('/sessions', async (c) => {
    const limit = queryInt(c.req.query('limit'), 'limit') ?? 20;
    const page = queryInt(c.req.query('page'), 'page') ?? 1;
    if (page < 1) throw new AgentMintError('BAD_REQUEST', '`page` must be an integer from 1');
    const agentId = c.req.query('agent_id') ?? c.req.query('component_id');
    const sessions = await ops.listSessions(c.get('agentmint'), {
      agentId,
      limit,
      offset: (page - 1) * limit,
    });
    return c.json({ data: sessions.map(restSession), meta: { page, limit } });
  });

  app.get('/sessions/:sessionId', async (c) => {
    const { session, runs } = await ops.getSession(c.get('agentmint'), sessionRef(c));
    return c.json({ ...restSession(session), runs: runs.map((r) => restRun(toRunOutput(r))) });
  });

  app.get('/sessions/:sessionId/runs', async (c) => {
    const { runs } = await ops.getSession(c.get('agentmint'), sessionRef(c));
    return c.json(runs.map((r) => restRun(toRunOutput(r))));
  });

  app.delete('/sessions/:sessionId', async (c) => {
    await ops.deleteSession(c.get('agentmint'), sessionRef(c));
    return c.body(null, 204);
  });

  app.post('/sessions/:sessionId/rename', async (c) => {
    const body = (await c.req.json().catch(() => null)) as { session_name?: unknown } | null;
    if (typeof body?.session_name !== 'string' || body.session_name.length === 0) {
      throw new AgentMintError('BAD_REQUEST', '`session_name` is required');
    }
    const session = await ops.renameSession(c.get('agentmint'), {
      ...sessionRef(c),
      name: body.session_name,
    });
    return c.json(restSession(session));
  });

  return app;
}

function runRef(c: Context): { runId: string; agentId: string } {
  return { runId: c.req.param('runId') ?? '', agentId: c.req.param('agentId') ?? '' };
}

function sessionRef(c: Context): { sessionId: string } {
  return { sessionId: c.req.param('sessionId') ?? '' };
}

const startedAt = Math.floor(Date.now() / 1000);

/** A run's events as Agno SSE; the client going away cancels the run (this stream cannot resume). */
function streamRun(c: Context, run: ActiveRun, logger: Logger): Response {
  return writeSSE(c, run.subscribe(0), logger, () => run.cancel('client disconnected'));
}

function writeSSE(
  c: Context,
  events: AsyncGenerator<RunEvent>,
  logger: Logger,
  onAbort: () => void,
): Response {
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
      const info = toReportedPublicError(error, logger);
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
  // event_index: Agno's 0-based position, which `/resume` takes back as `last_event_index`.
  const data = { ...restEvent(event), event_index: event.seq - 1 };
  return `event: ${event.event}\ndata: ${JSON.stringify(data)}\nid: ${event.seq}\n\n`;
}

export function restError(c: Context, error: unknown, logger: Logger): Response {
  const info = toReportedPublicError(error, logger);
  if (info.retryAfterSeconds !== undefined) c.header('Retry-After', String(info.retryAfterSeconds));
  return c.json(restErrorBody(info), info.httpStatus as 400);
}

/** An integer query parameter, or undefined when absent; BAD_REQUEST when it is not one. */
function queryInt(raw: string | undefined, field: string): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isSafeInteger(value)) {
    throw new AgentMintError('BAD_REQUEST', `\`${field}\` must be an integer`);
  }
  return value;
}
