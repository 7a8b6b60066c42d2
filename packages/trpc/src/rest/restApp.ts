import type { ActiveRun, Logger, RunEvent } from '@agentmint/core';
import { AgentMintError, toRunOutput } from '@agentmint/core';
import type { Context } from 'hono';
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { toReportedPublicError, type WireNames } from '../errorMapping.ts';
import { registerConfigRoutes } from './configRoutes.ts';
import { registerNotServedRoutes } from './notServedRoutes.ts';
import type { RestAppDeps, RestEnv } from './restEnv.ts';
import {
  type RestRunExtras,
  restAgent,
  restErrorBody,
  restEvent,
  restRun,
  unixSeconds,
} from './restShapes.ts';
import { readContinueRequest, readRunRequest } from './runRequestBody.ts';
import { registerSessionRoutes } from './sessionRoutes.ts';

export type { RestAppDeps } from './restEnv.ts';

/** REST names things as Agno's form fields do (`factory_input`), tRPC in camelCase. */
export const REST_WIRE: WireNames = { factoryInput: 'factory_input' };

/**
 * Agno AgentOS's REST surface (snake_case, `{detail, code}` errors): it translates wire shapes to
 * the operations layer and back; every check happens there.
 */
export function createRestApp(deps: RestAppDeps): Hono<RestEnv> {
  const { operations: ops, logger } = deps;
  const app = new Hono<RestEnv>();
  const agentName = (agentId: string) => deps.infos.get(agentId)?.name ?? null;

  app.onError((error, c) => restError(c, error, logger, REST_WIRE));
  app.notFound((c) => restError(c, new AgentMintError('NOT_FOUND', 'Not found'), logger));

  app.get('/health', (c) => c.json({ status: 'ok', instantiated_at: startedAt }));
  registerNotServedRoutes(app);

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
    const extras = { input: fields.message, agentName: agentName(agentId) };
    return answerRun(c, run, fields, extras, logger);
  });

  app.get('/agents/:agentId/runs/:runId', async (c) => {
    const run = await ops.getRun(c.get('agentmint'), runRef(c));
    return c.json(
      restRun(toRunOutput(run), { input: run.input, agentName: agentName(run.agentId) }),
    );
  });

  app.post('/agents/:agentId/runs/:runId/cancel', async (c) => {
    await ops.cancelRun(c.get('agentmint'), runRef(c));
    return c.json({});
  });

  // Agno's continue: decisions for a PAUSED run's tool calls (`tools`), or `input` for a
  // COMPLETED one; `fork` goes on in a sibling run. Answers as a run does (stream, background).
  app.post('/agents/:agentId/runs/:runId/continue', async (c) => {
    const caller = c.get('agentmint');
    const fields = await readContinueRequest(c);
    const run = await ops.continueRun(caller, {
      ...runRef(c),
      tools: fields.tools,
      input: fields.input,
      fork: fields.fork,
      sessionId: fields.sessionId,
      userId: fields.userId,
      streamModel: fields.stream,
    });
    return answerRun(c, run, fields, { agentName: agentName(run.ids.agentId) }, logger);
  });

  // Replays a run's events (SSE) after `Last-Event-ID` / `?after=`; live while the run goes on.
  app.get('/agents/:agentId/runs/:runId/events', async (c) => {
    const after = Number(c.req.header('last-event-id') ?? c.req.query('after') ?? 0);
    const events = await ops.watchRun(c.get('agentmint'), {
      ...runRef(c),
      afterSeq: Number.isSafeInteger(after) && after > 0 ? after : 0,
      signal: c.req.raw.signal,
    });
    const { runId, agentId } = runRef(c);
    return writeSSE(c, events, { runId, agentId, agentName: agentName(agentId) }, logger, () => {});
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
    const ids = { ...runRef(c), agentName: agentName(runRef(c).agentId) };
    return writeSSE(c, events, ids, logger, () => {});
  });

  registerConfigRoutes(app, deps);
  registerSessionRoutes(app, deps);

  return app;
}

function runRef(c: Context): { runId: string; agentId: string } {
  return { runId: c.req.param('runId') ?? '', agentId: c.req.param('agentId') ?? '' };
}

const startedAt = Math.floor(Date.now() / 1000);

/**
 * A started or continued run as Agno answers it: `background` → 202 with the ids (or an SSE that
 * outlives the client), `stream` → SSE that the client's leaving cancels, else the run's outcome.
 */
async function answerRun(
  c: Context<RestEnv>,
  run: ActiveRun,
  fields: { readonly stream: boolean; readonly background: boolean },
  extras: RestRunExtras & { readonly agentName: string | null },
  logger: Logger,
): Promise<Response> {
  const { runId, sessionId, agentId } = run.ids;
  if (fields.background) {
    // Agno's background run: nothing but an explicit cancel stops it.
    if (!fields.stream)
      return c.json({ run_id: runId, session_id: sessionId, status: 'RUNNING' }, 202);
    const ids = { runId, agentId, sessionId, agentName: extras.agentName };
    return writeSSE(c, run.subscribe(run.firstSeq), ids, logger, () => {});
  }
  if (!fields.stream) return c.json(restRun(await run.outcome(c.req.raw.signal), extras));
  return streamRun(c, run, extras.agentName, logger);
}

/** A run's events as Agno SSE; the client going away cancels the run (this stream cannot resume). */
function streamRun(c: Context, run: ActiveRun, agentName: string | null, logger: Logger): Response {
  const { runId, agentId, sessionId } = run.ids;
  return writeSSE(
    c,
    run.subscribe(run.firstSeq),
    { runId, agentId, sessionId, agentName },
    logger,
    () => run.cancel('client disconnected'),
  );
}

/** The run a stream belongs to, for the error frame written if the stream itself fails. */
export interface StreamIds {
  readonly runId: string;
  readonly agentId: string;
  readonly sessionId?: string;
  readonly agentName: string | null;
}

function writeSSE(
  c: Context,
  events: AsyncGenerator<RunEvent>,
  ids: StreamIds,
  logger: Logger,
  onAbort: () => void,
): Response {
  return streamSSE(c, async (stream) => {
    stream.onAbort(() => {
      onAbort();
      void events.return(undefined);
    });
    try {
      for await (const event of events) await stream.write(sseFrame(event, ids.agentName));
    } catch (error) {
      // Caught here, not by streamSSE's onError: Hono then adds an `event: error` frame whose data
      // is the raw error message (not JSON, and possibly internal detail).
      const data = sseErrorData(error, ids, logger);
      await stream.writeSSE({ event: 'RunError', data: JSON.stringify(data) });
    }
  });
}

/**
 * The data of the frame written when a stream fails: Agno's RunErrorEvent (`event`, ids,
 * `content` with the message, `error_type`), which Agno's client parses (it drops data without
 * `event`), plus `{detail, code}` as every other REST error carries.
 */
export function sseErrorData(
  error: unknown,
  ids: StreamIds,
  logger: Logger,
): Record<string, unknown> {
  const info = toReportedPublicError(error, logger, REST_WIRE);
  return {
    event: 'RunError',
    created_at: unixSeconds(Date.now()),
    agent_id: ids.agentId,
    agent_name: ids.agentName ?? '',
    run_id: ids.runId,
    ...(ids.sessionId !== undefined && { session_id: ids.sessionId }),
    content: info.message,
    error_type: info.code,
    detail: info.message,
    code: info.code,
  };
}

/**
 * One event in Agno's SSE framing, as `writeSSE` would write it. The payload is one line: JSON
 * escapes CR and LF inside strings, and event names are fixed identifiers.
 */
function sseFrame(event: RunEvent, agentName: string | null): string {
  // event_index: Agno's 0-based position, which `/resume` takes back as `last_event_index`.
  const data = { ...restEvent(event, agentName), event_index: event.seq - 1 };
  return `event: ${event.event}\ndata: ${JSON.stringify(data)}\nid: ${event.seq}\n\n`;
}

/** `{detail, code}` with the error's status; `wire` names fields as the transport's clients do. */
export function restError(
  c: Context,
  error: unknown,
  logger: Logger,
  wire: WireNames = {},
): Response {
  const info = toReportedPublicError(error, logger, wire);
  if (info.retryAfterSeconds !== undefined) c.header('Retry-After', String(info.retryAfterSeconds));
  return c.json(restErrorBody(info), info.httpStatus as 400);
}
