import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteDb } from '@agentmint/db';
import type { ServerHandle } from '@agentmint/trpc';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServerOS } from '../../src/createServerOS.ts';
import { devAuthFromEnv } from '../../src/devAuth.ts';
import { type ModelSource, modelFromEnv } from '../../src/modelFromEnv.ts';
import { AgnoHttpError, AgnoOSClient, skipped } from './agnoClient.ts';
import { NOT_SERVED_CALLS } from './agnoNotServed.ts';
import { ErrorResponse, RUN_EVENT_SCHEMAS } from './agnoSchemas.ts';

const SECRET = 'agno-wire-compat-secret-of-32-bytes!';
const ALL_SCOPES = 'agents:read agents:run sessions:read sessions:write sessions:delete';

function token(sub: string, scope = ALL_SCOPES, claims: Record<string, string> = {}) {
  return new SignJWT({ scope, ...claims })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(new TextEncoder().encode(SECRET));
}

/** The Agno error a call must raise (httpx `raise_for_status`), in Agno's `{detail, code}` shape. */
async function agnoError(call: Promise<unknown>): Promise<AgnoHttpError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AgnoHttpError);
  ErrorResponse.parse((error as AgnoHttpError).body);
  return error as AgnoHttpError;
}

describe.each([
  { auth: false, label: 'auth off' },
  { auth: true, label: 'auth on (HS256 JWT, scopes, user isolation)' },
])("Agno's AgentOSClient against apps/server — $label", ({ auth }) => {
  let dir: string;
  let models: ModelSource;
  let server: ServerHandle;
  let client: AgnoOSClient;
  /** The user a run is attributed to: the JWT subject with auth on, the form's user_id off. */
  let owner: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'agentmint-agno-wire-'));
    models = await modelFromEnv({});
    const authOptions = auth ? devAuthFromEnv({ AGENTMINT_JWT_SECRET: SECRET }) : undefined;
    const os = createServerOS({
      db: new SqliteDb({ dbFile: join(dir, 'agentmint.db') }),
      model: models.model,
      ...(authOptions && { auth: authOptions }),
    });
    server = await os.serve({ port: 0 });
    owner = 'alice';
    client = new AgnoOSClient(
      server.url,
      auth ? { authorization: `Bearer ${await token('alice')}` } : {},
    );
  });

  afterAll(async () => {
    await server?.close({ graceMs: 1000 });
    await models?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
    expect(skipped).toEqual([]);
  });

  describe('discovery', () => {
    it('get_config: a ConfigResponse listing the agents and only sessions among the domains', async () => {
      const config = await client.getConfig();
      expect(config.os_id).toBe('agentmint');
      expect(config.agents.map((a) => a.id)).toEqual([
        'tenant-agent',
        'research-agent',
        'workspace-agent',
        'profile-agent',
        'triage-agent',
      ]);
      expect(config.teams).toEqual([]);
      expect(config.workflows).toEqual([]);
      expect(config.interfaces).toEqual([]);
      const dbId = config.agents[0]?.db_id;
      expect(dbId).toEqual(expect.any(String));
      expect(config.databases).toEqual([dbId]);
      expect(config.session?.dbs?.map((db) => db.db_id)).toEqual([dbId]);
      // RemoteAgent.db reads `config.<domain>.dbs` of each domain without a None check.
      for (const domain of ['knowledge', 'memory', 'metrics', 'evals', 'traces'] as const) {
        expect(config[domain]?.dbs).toEqual([]);
      }
    });

    it('GET /models: the models of plain agents (every seed agent is a factory: none)', async () => {
      expect(await client.getModels()).toEqual([]);
    });

    it('list_agents and get_agent: AgentSummaryResponse and AgentResponse', async () => {
      const agents = await client.listAgents();
      expect(agents.map((a) => a.id)).toContain('research-agent');
      const research = await client.getAgent('research-agent');
      expect(research).toMatchObject({ id: 'research-agent', name: 'Research agent' });
      const raw = (await client.request('GET', '/agents/research-agent')) as {
        is_factory: boolean;
        factory_input_schema: { properties: Record<string, unknown> };
      };
      expect(raw.is_factory).toBe(true);
      expect(Object.keys(raw.factory_input_schema.properties)).toEqual(['persona', 'depth']);
      const missing = await agnoError(client.getAgent('no-such-agent'));
      expect(missing.status).toBe(404);
    });
  });

  describe('runs', () => {
    it('run_agent: a RunOutput with input.input_content, agent_name and the caller as user', async () => {
      const run = await client.runAgent('tenant-agent', 'Hello, who are you?', { userId: owner });
      expect(run).toMatchObject({
        agent_id: 'tenant-agent',
        agent_name: 'Per-tenant assistant',
        user_id: owner,
        status: 'COMPLETED',
        input: { input_content: 'Hello, who are you?' },
        content_type: 'str',
      });
      expect(run.content).toEqual(expect.stringContaining('Hello, who are you?'));
      expect(run.messages?.map((m) => m.role)).toEqual(['user', 'assistant']);
    });

    it('run_agent with factory_input as a dict kwarg (JSON-encoded form field)', async () => {
      const run = await client.runAgent('research-agent', 'Trends?', {
        userId: owner,
        kwargs: { factory_input: { persona: 'skeptic', depth: 5 } },
      });
      expect(run.status).toBe('COMPLETED');
    });

    it('run_agent on an output-schema agent: content is the validated object, as Agno returns it', async () => {
      const run = await client.runAgent('triage-agent', 'The app crashes on save', {
        userId: owner,
        kwargs: { factory_input: { product: 'Mint' } },
      });
      expect(run).toMatchObject({ status: 'COMPLETED', content_type: 'json' });
      expect(run.content).toEqual({
        label: 'bug',
        priority: 1,
        summary: 'echo: The app crashes on save',
      });
    });

    it('answers 400 naming the form field factory_input, never factoryInput', async () => {
      const error = await agnoError(
        client.runAgent('research-agent', 'x', { kwargs: { factory_input: { depth: 'deep' } } }),
      );
      expect(error.status).toBe(400);
      const body = error.body as { detail: string; code: string; issues: { path: unknown[] }[] };
      expect(body.code).toBe('FACTORY_VALIDATION');
      expect(body.detail).toContain('factory_input.depth');
      expect(body.detail).not.toContain('factoryInput');
      expect(body.issues[0]?.path).toEqual(['factory_input', 'depth']);
    });

    it('run_agent_stream: every event known to the client, with agent_name, in order', async () => {
      const events = [];
      for await (const event of client.runAgentStream('tenant-agent', 'stream me', {
        userId: owner,
      })) {
        events.push(event);
      }
      const names = events.map((e) => e.event);
      expect(names[0]).toBe('RunStarted');
      expect(names.at(-1)).toBe('RunCompleted');
      expect(names).toContain('RunContent');
      for (const { event, data } of events) {
        RUN_EVENT_SCHEMAS[event].parse(data);
        expect(data).toMatchObject({
          agent_id: 'tenant-agent',
          agent_name: 'Per-tenant assistant',
        });
      }
      const text = events
        .filter((e) => e.event === 'RunContent')
        .map((e) => e.data.content)
        .join('');
      expect(text).toContain('stream me');
    });

    it('continue_agent_run on a run that is not paused: 409 RUN_NOT_PAUSED, Agno error shape', async () => {
      const run = await client.runAgent('tenant-agent', 'done already', { userId: owner });
      const error = await agnoError(
        client.continueAgentRun('tenant-agent', run.run_id!, [
          { tool_call_id: 'call_1', confirmed: true },
        ]),
      );
      expect(error.status).toBe(409);
      expect((error.body as { code: string }).code).toBe('RUN_NOT_PAUSED');
    });

    it.runIf(auth)(
      'continue_agent_run: a paused write_docs approved, then one rejected (streamed)',
      async () => {
        const editor = new AgnoOSClient(client.baseUrl, {
          authorization: `Bearer ${await token('alice', ALL_SCOPES, { role: 'editor' })}`,
        });
        const call = '/call write_docs {"title":"notes","body":"hello"}';
        const paused = await editor.runAgent('workspace-agent', call);
        expect(paused.status).toBe('PAUSED');
        const [pending] = paused.tools ?? [];
        expect(pending).toMatchObject({
          tool_name: 'write_docs',
          tool_args: { title: 'notes', body: 'hello' },
          requires_confirmation: true,
        });
        const done = await editor.continueAgentRun(
          'workspace-agent',
          paused.run_id!,
          [{ ...pending!, tool_call_id: pending!.tool_call_id!, confirmed: true }],
          { sessionId: paused.session_id! },
        );
        expect(done).toMatchObject({ run_id: paused.run_id, status: 'COMPLETED' });
        expect(String(done.content)).toContain("Saved 'notes'");

        const again = await editor.runAgent('workspace-agent', call);
        const events = [];
        for await (const event of editor.continueAgentRunStream('workspace-agent', again.run_id!, [
          { tool_call_id: again.tools![0]!.tool_call_id!, confirmed: false },
        ])) {
          RUN_EVENT_SCHEMAS[event.event].parse(event.data);
          events.push(event.event);
        }
        expect(events[0]).toBe('RunContinued');
        expect(events).toContain('ToolCallError');
        expect(events.at(-1)).toBe('RunCompleted');
      },
    );

    it('cancel_agent_run: 200 for a run of the caller, 404 for an unknown run', async () => {
      const run = await client.runAgent('tenant-agent', 'to cancel', { userId: owner });
      await client.cancelAgentRun('tenant-agent', run.run_id!);
      const missing = await agnoError(client.cancelAgentRun('tenant-agent', 'no-such-run'));
      expect(missing.status).toBe(404);
    });
  });

  describe('sessions', () => {
    it('create_session, then a run in it: get_session has the chat history and metrics', async () => {
      const created = await client.createSession({
        agentId: 'tenant-agent',
        userId: owner,
        sessionName: 'Planning',
        sessionState: { step: 1 },
      });
      expect(created).toMatchObject({
        agent_session_id: created.session_id,
        session_name: 'Planning',
        session_state: { step: 1 },
        agent_id: 'tenant-agent',
        user_id: owner,
        chat_history: [],
      });
      await client.runAgent('tenant-agent', 'first question', {
        sessionId: created.session_id,
        userId: owner,
      });
      const session = await client.getSession(created.session_id);
      expect(session.chat_history?.map((m) => [m.role, m.content])).toEqual([
        ['user', 'first question'],
        ['assistant', expect.stringContaining('first question')],
      ]);
      expect(session.total_tokens).toBeGreaterThan(0);
      expect(session.metrics).toMatchObject({ total_tokens: session.total_tokens });
      const taken = await agnoError(
        client.createSession({ agentId: 'tenant-agent', sessionId: created.session_id }),
      );
      expect(taken.status).toBe(409);
    });

    it('get_session names an unnamed session after its first message, as Agno does', async () => {
      const run = await client.runAgent('tenant-agent', 'What is a factory?', { userId: owner });
      const session = await client.getSession(run.session_id!);
      expect(session.session_name).toBe('What is a factory?');
      const listed = await client.getSessions({ componentId: 'tenant-agent', limit: 100 });
      expect(listed.data.find((s) => s.session_id === run.session_id)?.session_name).toBe(
        'What is a factory?',
      );
    });

    it('get_sessions: filters, sort, pages and totals in meta', async () => {
      const tag = `sorted-${Date.now()}`;
      const ids: string[] = [];
      for (const name of ['b', 'c', 'a']) {
        const created = await client.createSession({
          agentId: 'research-agent',
          userId: owner,
          sessionName: `${tag} ${name}`,
        });
        ids.push(created.session_id);
      }
      const byName = await client.getSessions({
        sessionName: tag,
        sortBy: 'session_name',
        sortOrder: 'asc',
        limit: 2,
      });
      expect(byName.data.map((s) => s.session_name)).toEqual([`${tag} a`, `${tag} b`]);
      expect(byName.meta).toMatchObject({ page: 1, limit: 2, total_count: 3, total_pages: 2 });
      const second = await client.getSessions({
        sessionName: tag,
        sortBy: 'session_name',
        sortOrder: 'asc',
        limit: 2,
        page: 2,
      });
      expect(second.data.map((s) => s.session_name)).toEqual([`${tag} c`]);
      const mine = await client.getSessions({
        userId: owner,
        sessionName: tag,
        componentId: 'research-agent',
      });
      expect(mine.meta.total_count).toBe(3);
      const nobody = await client.getSessions({ userId: 'nobody', sessionName: tag });
      expect(nobody.meta.total_count).toBe(0);
      const teams = await client.getSessions({ sessionType: 'team' });
      expect(teams).toMatchObject({ data: [], meta: { total_count: 0 } });
      const bad = await agnoError(client.getSessions({ sortBy: 'password' }));
      expect(bad.status).toBe(400);
    });

    it('get_session_runs and get_session_run: RunSchema with run_input', async () => {
      const first = await client.runAgent('tenant-agent', 'one', { userId: owner });
      await client.runAgent('tenant-agent', 'two', { userId: owner, sessionId: first.session_id! });
      const runs = await client.getSessionRuns(first.session_id!);
      expect(runs.map((r) => r.run_input)).toEqual(['one', 'two']);
      expect(runs[0]).toMatchObject({
        run_id: first.run_id,
        agent_id: 'tenant-agent',
        status: 'COMPLETED',
      });
      const one = await client.getSessionRun(first.session_id!, first.run_id!);
      expect(one).toMatchObject({
        run_id: first.run_id,
        run_input: 'one',
        run_response_format: 'text',
      });
      const other = await client.runAgent('tenant-agent', 'elsewhere', { userId: owner });
      const wrong = await agnoError(client.getSessionRun(first.session_id!, other.run_id!));
      expect(wrong.status).toBe(404);
    });

    it('rename_session and update_session return the session detail', async () => {
      const run = await client.runAgent('tenant-agent', 'rename me', { userId: owner });
      const renamed = await client.renameSession(run.session_id!, 'Renamed');
      expect(renamed).toMatchObject({ session_id: run.session_id, session_name: 'Renamed' });
      const updated = await client.updateSession(run.session_id!, {
        sessionName: 'Updated',
        sessionState: { done: true },
      });
      expect(updated).toMatchObject({ session_name: 'Updated', session_state: { done: true } });
      const listed = await client.getSessions({ sessionName: 'Updated' });
      expect(listed.data.map((s) => s.session_id)).toContain(run.session_id);
      const metadata = await agnoError(
        client.updateSession(run.session_id!, { metadata: { a: 1 } }),
      );
      expect(metadata.status).toBe(501);
      expect((metadata.body as { code: string }).code).toBe('FEATURE_NOT_SERVED');
    });

    it('delete_session and delete_sessions (bulk)', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        ids.push(
          (await client.createSession({ agentId: 'tenant-agent', userId: owner })).session_id,
        );
      }
      await client.deleteSession(ids[0]!);
      expect((await agnoError(client.getSession(ids[0]!))).status).toBe(404);
      await client.deleteSessions([ids[1]!, ids[2]!, 'never-existed'], ['agent', 'agent', 'agent']);
      for (const id of ids.slice(1))
        expect((await agnoError(client.getSession(id))).status).toBe(404);
      const mismatch = await agnoError(client.deleteSessions([ids[1]!], ['agent', 'agent']));
      expect(mismatch.status).toBe(400);
    });
  });

  describe('what AgentMint does not serve, and unknown routes', () => {
    it.each(NOT_SERVED_CALLS)(
      '$clientMethod ($method $endpoint) → 501 FEATURE_NOT_SERVED',
      async (call) => {
        const error = await agnoError(
          client.request(call.method, call.endpoint, {
            ...(call.params && { params: call.params }),
            ...(call.json && { json: call.json }),
            ...(call.form && { form: call.form }),
          }),
        );
        expect(error.status).toBe(501);
        expect(error.body).toMatchObject({ code: 'FEATURE_NOT_SERVED' });
        expect((error.body as { detail: string }).detail).toContain(call.feature);
      },
    );

    it('answers unknown routes with JSON 404 and wrong methods with JSON 405 + Allow', async () => {
      const unknown = await agnoError(client.request('GET', '/no/such/route'));
      expect(unknown.status).toBe(404);
      expect(unknown.body).toMatchObject({ code: 'NOT_FOUND' });
      const wrongMethod = await agnoError(client.request('PUT', '/agents'));
      expect(wrongMethod.status).toBe(405);
      expect(wrongMethod.body).toMatchObject({ code: 'METHOD_NOT_ALLOWED' });
      expect(wrongMethod.headers.get('allow')).toBe('GET, HEAD');
      const health = await agnoError(client.request('POST', '/health'));
      expect(health.status).toBe(405);
    });
  });

  describe.runIf(auth)('auth and isolation over the Agno routes', () => {
    it('another user sees none of alice’s sessions, and no token is 401 in Agno’s shape', async () => {
      const run = await client.runAgent('tenant-agent', 'private', { userId: owner });
      const bob = new AgnoOSClient(server.url, { authorization: `Bearer ${await token('bob')}` });
      expect((await agnoError(bob.getSession(run.session_id!))).status).toBe(404);
      expect((await agnoError(bob.getSessionRun(run.session_id!, run.run_id!))).status).toBe(404);
      expect((await bob.getSessions({ userId: owner })).meta.total_count).toBe(0);
      await bob.deleteSessions([run.session_id!], ['agent']);
      expect((await client.getSession(run.session_id!)).session_id).toBe(run.session_id);
      const anonymous = new AgnoOSClient(server.url);
      expect((await agnoError(anonymous.getConfig())).status).toBe(401);
      const readOnly = new AgnoOSClient(server.url, {
        authorization: `Bearer ${await token('carol', 'agents:read sessions:read')}`,
      });
      expect((await readOnly.getConfig()).agents).toHaveLength(5);
      const forbidden = await agnoError(readOnly.createSession({ agentId: 'tenant-agent' }));
      expect(forbidden.status).toBe(403);
    });
  });
});
