import {
  AgentMintError,
  type RunRecord,
  SessionNotFoundError,
  type SessionRecord,
  type SessionSortField,
} from '@agentmint/core';
import type { Context, Hono } from 'hono';
import type { AgentMintRequestState } from '../context.ts';
import {
  optionalObject,
  optionalString,
  readJsonObject,
  readOptionalJsonObject,
} from './jsonBody.ts';
import { notServed } from './notServedRoutes.ts';
import { boundedInt, oneOf } from './queryParams.ts';
import type { RestAppDeps, RestEnv } from './restEnv.ts';
import {
  restSessionDetail,
  restSessionRun,
  restSessionSummary,
  sessionName,
} from './sessionShapes.ts';

/** Agno's `type` query parameter; AgentMint has agent sessions only. */
const SESSION_TYPES = ['agent', 'team', 'workflow'] as const;
/** Agno's `sort_by` values and the store field each sorts by. */
const SORT_FIELDS: Readonly<Record<string, SessionSortField>> = {
  created_at: 'createdAt',
  updated_at: 'updatedAt',
  session_name: 'name',
};

/**
 * Agno's session routes (libs/agno/agno/os/routers/session/session.py): list with filters, sort
 * and totals; create; get; runs; one run; update; rename; delete one or many; and AgentMint's fork
 * (`POST /agents/{id}/sessions/{session_id}/fork`). Each translates the
 * wire to an operation, which checks scopes, ownership and existence.
 */
export function registerSessionRoutes(app: Hono<RestEnv>, deps: RestAppDeps): void {
  const { operations: ops, infos } = deps;
  const agentName = (agentId: string) => infos.get(agentId)?.name ?? null;
  const detail = (session: SessionRecord, runsNewestFirst: readonly RunRecord[]) =>
    restSessionDetail(session, runsNewestFirst.toReversed(), agentName(session.agentId));
  /** The session with its runs (newest first); teams and workflows have none here. */
  const loadSession = (c: Context<RestEnv>) => {
    const sessionId = c.req.param('sessionId') ?? '';
    if (sessionTypeOf(c) !== 'agent') throw new SessionNotFoundError(sessionId);
    return ops.getSession(c.get('agentmint'), { sessionId });
  };
  /** An unnamed session is called after its first message, as Agno's `get_session_name` does. */
  const nameOf = async (caller: AgentMintRequestState, session: SessionRecord) => {
    if (session.name !== null) return session.name;
    const { runs } = await ops.getSession(caller, { sessionId: session.sessionId });
    return sessionName(session, runs.toReversed());
  };

  app.get('/sessions', async (c) => {
    const caller = c.get('agentmint');
    const limit = boundedInt(c.req.query('limit'), 20, 1, 1000, 'limit');
    const page = Math.max(1, boundedInt(c.req.query('page'), 1, 0, 1_000_000, 'page'));
    const sortBy = oneOf(c.req.query('sort_by'), Object.keys(SORT_FIELDS), 'created_at', 'sort_by');
    const sortOrder = oneOf(c.req.query('sort_order'), ['asc', 'desc'], 'desc', 'sort_order');
    const filter = {
      agentId: c.req.query('component_id') || c.req.query('agent_id') || undefined,
      userId: c.req.query('user_id') || undefined,
      nameContains: c.req.query('session_name') || undefined,
    };
    const started = performance.now();
    const [sessions, total] =
      sessionTypeOf(c) === 'agent'
        ? await Promise.all([
            ops.listSessions(caller, {
              ...filter,
              limit,
              offset: (page - 1) * limit,
              sortBy: SORT_FIELDS[sortBy],
              sortOrder,
            }),
            ops.countSessions(caller, filter),
          ])
        : [[], 0]; // No team or workflow sessions exist here.
    const data = await Promise.all(
      sessions.map(async (s) => restSessionSummary(s, await nameOf(caller, s))),
    );
    return c.json({
      data,
      meta: {
        page,
        limit,
        total_count: total,
        total_pages: Math.ceil(total / limit),
        search_time_ms: Math.round((performance.now() - started) * 100) / 100,
      },
    });
  });

  app.post('/sessions', async (c) => {
    const type = sessionTypeOf(c);
    if (type !== 'agent') throw notServed(`${type} sessions`);
    const body = await readJsonObject(c);
    for (const field of ['metadata', 'team_id', 'workflow_id']) {
      if (body[field] !== undefined && body[field] !== null)
        throw notServed(`session \`${field}\``);
    }
    const agentId = optionalString(body, 'agent_id');
    if (agentId === undefined) {
      throw new AgentMintError(
        'BAD_REQUEST',
        '`agent_id` is required: a session belongs to an agent',
      );
    }
    const session = await ops.createSession(c.get('agentmint'), {
      agentId,
      sessionId: optionalString(body, 'session_id'),
      userId: optionalString(body, 'user_id'),
      name: optionalString(body, 'session_name'),
      state: optionalObject(body, 'session_state'),
    });
    return c.json(detail(session, []), 201);
  });

  app.get('/sessions/:sessionId', async (c) => {
    const { session, runs } = await loadSession(c);
    return c.json(detail(session, runs));
  });

  app.get('/sessions/:sessionId/runs', async (c) => {
    const max = Number.MAX_SAFE_INTEGER;
    const after = boundedInt(c.req.query('created_after'), 0, 0, max, 'created_after');
    const before = boundedInt(c.req.query('created_before'), max, 0, max, 'created_before');
    const { runs } = await loadSession(c);
    const inRange = runs.toReversed().filter((run) => {
      const at = Math.floor(run.createdAt.getTime() / 1000);
      return at >= after && at <= before;
    });
    return c.json(inRange.map((run) => restSessionRun(run, agentName(run.agentId))));
  });

  app.get('/sessions/:sessionId/runs/:runId', async (c) => {
    const run = await ops.getSessionRun(c.get('agentmint'), {
      sessionId: c.req.param('sessionId'),
      runId: c.req.param('runId'),
    });
    return c.json(restSessionRun(run, agentName(run.agentId)));
  });

  app.patch('/sessions/:sessionId', async (c) => {
    const body = await readJsonObject(c);
    for (const field of ['metadata', 'summary']) {
      if (body[field] !== undefined && body[field] !== null)
        throw notServed(`session \`${field}\``);
    }
    const name = optionalString(body, 'session_name');
    const state = optionalObject(body, 'session_state');
    const caller = c.get('agentmint');
    const sessionId = c.req.param('sessionId');
    if (name !== undefined || state !== undefined) {
      await ops.updateSession(caller, { sessionId, name, state });
    }
    const { session, runs } = await loadSession(c);
    return c.json(detail(session, runs));
  });

  app.post('/sessions/:sessionId/rename', async (c) => {
    const body = (await c.req.json().catch(() => null)) as { session_name?: unknown } | null;
    if (typeof body?.session_name !== 'string' || body.session_name.length === 0) {
      throw new AgentMintError('BAD_REQUEST', '`session_name` is required');
    }
    await ops.renameSession(c.get('agentmint'), {
      sessionId: c.req.param('sessionId'),
      name: body.session_name,
    });
    const { session, runs } = await loadSession(c);
    return c.json(detail(session, runs));
  });

  // No such route in Agno (issue #13): a new session with copies of the runs, 201 with its detail.
  app.post('/agents/:agentId/sessions/:sessionId/fork', async (c) => {
    const body = await readOptionalJsonObject(c);
    const caller = c.get('agentmint');
    const forked = await ops.forkSession(caller, {
      agentId: c.req.param('agentId'),
      sessionId: c.req.param('sessionId'),
      name: optionalString(body, 'session_name'),
    });
    const { session, runs } = await ops.getSession(caller, { sessionId: forked.sessionId });
    return c.json(detail(session, runs), 201);
  });

  app.delete('/sessions/:sessionId', async (c) => {
    await ops.deleteSession(c.get('agentmint'), { sessionId: c.req.param('sessionId') });
    return c.body(null, 204);
  });

  // Agno's bulk delete: ids the caller cannot see, or that do not exist, are left alone (as Agno).
  app.delete('/sessions', async (c) => {
    const caller = c.get('agentmint');
    caller.access.require('sessions:delete');
    const body = await readJsonObject(c);
    const ids = stringList(body.session_ids, 'session_ids');
    const types = stringList(body.session_types, 'session_types');
    if (ids.length !== types.length) {
      throw new AgentMintError(
        'BAD_REQUEST',
        'Session IDs and session types must have the same length',
      );
    }
    for (const type of types) oneOf(type, SESSION_TYPES, 'agent', 'session_types');
    for (const [index, sessionId] of ids.entries()) {
      if (types[index] !== 'agent') continue;
      await ops.deleteSession(caller, { sessionId }).catch((error: unknown) => {
        if (!(error instanceof SessionNotFoundError)) throw error;
      });
    }
    return c.body(null, 204);
  });
}

/** Agno's `type` query parameter (`agent` when absent). */
function sessionTypeOf(c: Context) {
  return oneOf(c.req.query('type'), SESSION_TYPES, 'agent', 'type');
}

function stringList(value: unknown, field: string): string[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'string')) {
    throw new AgentMintError('BAD_REQUEST', `\`${field}\` must be a non-empty list of strings`);
  }
  return value;
}
