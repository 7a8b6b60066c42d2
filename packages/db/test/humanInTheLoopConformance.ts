import {
  Agent,
  AgentRuntime,
  type Caller,
  type Message,
  type RunEvent,
  type Store,
  silentLogger,
  tool,
} from '@agentmint/core';
import { ScriptedModel } from '@agentmint/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  newRun,
  pausedEventFor,
  type StoreHarness,
  type StoreUnderTest,
  TEST_PAUSE,
} from './storeConformance.ts';

const alice: Caller = { userId: 'alice', scope: { userId: 'alice' } };
const bob: Caller = { userId: 'bob', scope: { userId: 'bob' } };

/**
 * Human in the loop on every store: a run pauses on a tool that needs confirmation (or external
 * execution), its pause outlives the process (a new runtime on the same database continues it),
 * and the PAUSED → RUNNING move is one conditional write.
 */
export function describeHumanInTheLoopConformance(harness: StoreHarness): void {
  describe(`${harness.name}: human in the loop`, () => {
    let subject: StoreUnderTest;
    let store: Store;
    const runtimes: AgentRuntime[] = [];

    beforeEach(async () => {
      subject = await harness.open();
      store = subject.store;
      await store.init();
    });

    afterEach(async () => {
      await Promise.all(runtimes.splice(0).map((runtime) => runtime.close({ graceMs: 0 })));
      await subject.dispose();
    });

    /** A runtime whose agent deletes files only once a human approves, and asks the caller for the weather. */
    function runtimeOn(db: Store, model: ScriptedModel, deleted: string[] = []) {
      const deleteFile = tool({
        name: 'delete_file',
        description: 'Deletes a file',
        parameters: z.object({ path: z.string() }),
        requiresConfirmation: (args) => !args.path.startsWith('/tmp/'),
        execute: ({ path }) => {
          deleted.push(path);
          return `deleted ${path}`;
        },
      });
      const weather = tool({
        name: 'local_weather',
        description: "The weather where the user is (the user's device answers)",
        parameters: z.object({}),
        externalExecution: true,
      });
      const agent = new Agent({ id: 'assistant', model, db, tools: [deleteFile, weather] });
      const runtime = new AgentRuntime({ agents: [agent], db, logger: silentLogger });
      runtimes.push(runtime);
      return runtime;
    }

    async function pausedRun(runtime: AgentRuntime, path = '/etc/hosts') {
      const run = await runtime.startRun({
        agentId: 'assistant',
        message: 'clean up',
        caller: alice,
      });
      const output = await run.done;
      expect(output.status).toBe('PAUSED');
      expect(output.pendingTools).toEqual([
        {
          toolCallId: 'call_1',
          toolName: 'delete_file',
          toolArgs: { path },
          requiresConfirmation: true,
          externalExecutionRequired: false,
        },
      ]);
      return output;
    }

    function deleteTurn(path = '/etc/hosts') {
      return { toolCalls: [{ id: 'call_1', name: 'delete_file', arguments: { path } }] };
    }

    /** The second runtime: the first one's process is gone (closed), the database stays. */
    async function restarted(first: AgentRuntime, model: ScriptedModel, deleted: string[] = []) {
      await first.close({ graceMs: 0 });
      return runtimeOn(subject.reopen?.() ?? store, model, deleted);
    }

    it('pauses on the tool, persists PAUSED without a lease, and never sweeps it', async () => {
      const model = new ScriptedModel({ turns: [deleteTurn()] });
      const runtime = runtimeOn(store, model);
      const output = await pausedRun(runtime);
      const record = await store.getRun(output.runId);
      expect(record?.status).toBe('PAUSED');
      expect(record?.lease).toBeUndefined();
      expect(record?.pause?.pending.map((call) => call.toolCallId)).toEqual(['call_1']);
      expect(record?.messages.map((m) => m.role)).toEqual(['user', 'assistant']);
      const events = await store.listEvents(output.runId, 0);
      expect(events.at(-1)).toMatchObject({ event: 'RunPaused', tools: output.pendingTools });
      const stale = await store.listStaleRuns?.({
        leaseExpiredBefore: new Date(Date.now() + 3_600_000),
        writtenBefore: new Date(Date.now() + 3_600_000),
        limit: 10,
      });
      expect(stale?.map((run) => run.runId) ?? []).not.toContain(output.runId);
    });

    it('continues after a restart: approved, the tool runs and the same run completes', async () => {
      const first = runtimeOn(store, new ScriptedModel({ turns: [deleteTurn()] }));
      const paused = await pausedRun(first);
      const model = new ScriptedModel({ turns: [{ text: 'Deleted.' }] });
      const deleted: string[] = [];
      const second = await restarted(first, model, deleted);
      const run = await second.continueRun({
        runId: paused.runId,
        tools: [{ toolCallId: 'call_1', confirmed: true }],
        caller: alice,
      });
      expect(run.ids.runId).toBe(paused.runId);
      const output = await run.done;
      expect(output).toMatchObject({ status: 'COMPLETED', content: 'Deleted.' });
      expect(deleted).toEqual(['/etc/hosts']);
      expect(model.lastRequest?.messages.at(-1)).toEqual({
        role: 'tool',
        toolCallId: 'call_1',
        toolName: 'delete_file',
        content: 'deleted /etc/hosts',
      });
      const { store: db } = await second.reads.findRun(paused.runId, undefined);
      const events = await db.listEvents(paused.runId, 0);
      const names = events.map((event) => event.event);
      expect(names.slice(names.indexOf('RunPaused'))).toEqual([
        'RunPaused',
        'RunContinued',
        'ToolCallStarted',
        'ToolCallCompleted',
        'ModelRequestStarted',
        'RunContent',
        'ModelRequestCompleted',
        'RunContentCompleted',
        'RunCompleted',
      ]);
      expect(events.map((event) => event.seq)).toEqual(events.map((_, index) => index + 1));
      const record = await second.getRun(paused.runId);
      expect(record.status).toBe('COMPLETED');
      expect(record.messages.map((m) => m.role)).toEqual([
        'user',
        'assistant',
        'tool',
        'assistant',
      ]);
    });

    it('continues rejected: the model gets the refusal and the tool never runs', async () => {
      const first = runtimeOn(store, new ScriptedModel({ turns: [deleteTurn()] }));
      const paused = await pausedRun(first);
      const model = new ScriptedModel({ turns: [{ text: 'I left it.' }] });
      const deleted: string[] = [];
      const second = await restarted(first, model, deleted);
      const output = await (
        await second.continueRun({
          runId: paused.runId,
          tools: [{ toolCallId: 'call_1', confirmed: false, confirmationNote: 'keep it' }],
          caller: alice,
        })
      ).done;
      expect(output.status).toBe('COMPLETED');
      expect(deleted).toEqual([]);
      const last = model.lastRequest?.messages.at(-1) as Message;
      expect(last).toMatchObject({ role: 'tool', toolCallId: 'call_1', isError: true });
      expect(last.content).toContain('rejected');
      expect(last.content).toContain('keep it');
    });

    it('does not pause when the check says no, and hands an external result to the model', async () => {
      const model = new ScriptedModel({
        turns: [
          {
            toolCalls: [
              { id: 'call_1', name: 'delete_file', arguments: { path: '/tmp/x' } },
              { id: 'call_2', name: 'local_weather', arguments: {} },
            ],
          },
          { text: 'Sunny, and /tmp/x is gone.' },
        ],
      });
      const deleted: string[] = [];
      const runtime = runtimeOn(store, model, deleted);
      const run = await runtime.startRun({ agentId: 'assistant', message: 'hi', caller: alice });
      const paused = await run.done;
      // The ordinary call of the step ran before the pause; only the external one waits.
      expect(deleted).toEqual(['/tmp/x']);
      expect(paused.pendingTools).toMatchObject([
        { toolCallId: 'call_2', externalExecutionRequired: true, requiresConfirmation: false },
      ]);
      const output = await (
        await runtime.continueRun({
          runId: paused.runId,
          tools: [{ toolCallId: 'call_2', result: '21 °C, sunny' }],
          caller: alice,
        })
      ).done;
      expect(output.content).toBe('Sunny, and /tmp/x is gone.');
      expect(model.lastRequest?.messages.slice(-2)).toMatchObject([
        { role: 'tool', toolCallId: 'call_1', content: 'deleted /tmp/x' },
        { role: 'tool', toolCallId: 'call_2', content: '21 °C, sunny' },
      ]);
    });

    it('lets one of two concurrent continues win; the other gets RUN_NOT_PAUSED', async () => {
      const model = new ScriptedModel({ turns: [deleteTurn(), { text: 'done' }] });
      const deleted: string[] = [];
      const runtime = runtimeOn(store, model, deleted);
      const paused = await pausedRun(runtime);
      const ask = () =>
        runtime.continueRun({
          runId: paused.runId,
          tools: [{ toolCallId: 'call_1', confirmed: true }],
          caller: alice,
        });
      const results = await Promise.allSettled([ask(), ask()]);
      const won = results.filter((result) => result.status === 'fulfilled');
      const lost = results.filter((result) => result.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost[0]?.reason).toMatchObject({ code: 'RUN_NOT_PAUSED', httpStatus: 409 });
      await won[0]?.value.done;
      expect(deleted).toEqual(['/etc/hosts']);
    });

    it('refuses other users, bad decisions and runs that are not paused, with codes', async () => {
      const model = new ScriptedModel({ turns: [deleteTurn()] });
      const runtime = runtimeOn(store, model);
      const paused = await pausedRun(runtime);
      const approve = [{ toolCallId: 'call_1', confirmed: true }];
      await expect(
        runtime.continueRun({ runId: paused.runId, tools: approve, caller: bob }),
      ).rejects.toMatchObject({ code: 'RUN_NOT_FOUND' });
      await expect(
        runtime.continueRun({
          runId: paused.runId,
          tools: [{ toolCallId: 'call_9', confirmed: true }],
          caller: alice,
        }),
      ).rejects.toMatchObject({ code: 'UNKNOWN_TOOL_CALL', httpStatus: 400 });
      await expect(
        runtime.continueRun({ runId: paused.runId, tools: [], caller: alice }),
      ).rejects.toMatchObject({ code: 'INVALID_TOOLS', httpStatus: 400 });
      await expect(
        runtime.continueRun({
          runId: paused.runId,
          tools: [{ toolCallId: 'call_1', result: 'x' }],
          caller: alice,
        }),
      ).rejects.toMatchObject({ code: 'INVALID_TOOLS' });
      const other = await (
        await runtime.startRun({ agentId: 'assistant', message: 'hi', caller: alice })
      ).done;
      expect(other.status).toBe('COMPLETED');
      await expect(
        runtime.continueRun({ runId: other.runId, tools: approve, caller: alice }),
      ).rejects.toMatchObject({ code: 'RUN_NOT_PAUSED', httpStatus: 409 });
      expect((await store.getRun(paused.runId))?.status).toBe('PAUSED');
    });

    it('ends a paused run CANCELLED on cancel, after its RunPaused event', async () => {
      const runtime = runtimeOn(store, new ScriptedModel({ turns: [deleteTurn()] }));
      const paused = await pausedRun(runtime);
      const record = await runtime.cancelRun(paused.runId, alice.scope);
      expect(record.status).toBe('CANCELLED');
      const events = await store.listEvents(paused.runId, 0);
      expect(events.slice(-2).map((event: RunEvent) => event.event)).toEqual([
        'RunPaused',
        'RunCancelled',
      ]);
      await expect(
        runtime.continueRun({
          runId: paused.runId,
          tools: [{ toolCallId: 'call_1', confirmed: true }],
          caller: alice,
        }),
      ).rejects.toMatchObject({ code: 'RUN_NOT_PAUSED' });
    });

    it('forks: a sibling run in the same session goes on, the original stays PAUSED', async () => {
      const model = new ScriptedModel({ turns: [deleteTurn(), { text: 'forked' }] });
      const runtime = runtimeOn(store, model);
      const paused = await pausedRun(runtime);
      const run = await runtime.continueRun({
        runId: paused.runId,
        tools: [{ toolCallId: 'call_1', confirmed: false }],
        fork: true,
        caller: alice,
      });
      expect(run.ids.runId).not.toBe(paused.runId);
      expect(run.ids.sessionId).toBe(paused.sessionId);
      const output = await run.done;
      expect(output.content).toBe('forked');
      expect((await store.getRun(paused.runId))?.status).toBe('PAUSED');
      const sibling = await store.getRun(output.runId);
      expect(sibling?.messages.map((m) => m.role)).toEqual([
        'user',
        'assistant',
        'tool',
        'assistant',
      ]);
    });

    it('continues a completed run with new input on the same run id (Agno)', async () => {
      const model = new ScriptedModel({ turns: [{ text: 'one' }, { text: 'two' }] });
      const runtime = runtimeOn(store, model);
      const first = await (
        await runtime.startRun({ agentId: 'assistant', message: 'q1', caller: alice })
      ).done;
      const next = await runtime.continueRun({ runId: first.runId, input: 'q2', caller: alice });
      expect(next.ids.runId).toBe(first.runId);
      expect((await next.done).content).toBe('two');
      expect(model.lastRequest?.messages.map((m) => m.content)).toEqual(['q1', 'one', 'q2']);
      await expect(
        runtime.continueRun({ runId: first.runId, caller: alice }),
      ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    });

    it('pauseRun and resumeRun are conditional writes', async () => {
      const run = newRun({ userId: 'alice' });
      await store.createRun(run);
      const event = pausedEventFor(run);
      const result = {
        pause: TEST_PAUSE,
        messages: [{ role: 'user', content: 'hi' } as const],
        updatedAt: new Date(),
      };
      expect(await store.pauseRun(run.runId, result, event)).toBe(true);
      expect(await store.pauseRun(run.runId, result, event)).toBe(false);
      const claim = { from: 'PAUSED' as const, updatedAt: new Date() };
      expect(await store.resumeRun(run.runId, claim)).toBe(true);
      expect(await store.resumeRun(run.runId, claim)).toBe(false);
      const record = await store.getRun(run.runId);
      expect(record).toMatchObject({ status: 'RUNNING', pause: null });
      await expect(store.resumeRun('missing-run', claim)).rejects.toMatchObject({
        code: 'RUN_NOT_FOUND',
      });
    });
  });
}
