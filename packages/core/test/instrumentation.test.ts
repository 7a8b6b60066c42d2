import { AsyncLocalStorage } from 'node:async_hooks';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  Agent,
  AgentFactory,
  AgentRuntime,
  InMemoryDb,
  type Instrumentation,
  type ObservedCall,
  type RunEvent,
  type Store,
  silentLogger,
  tool,
} from '../src/index.ts';
import { ScriptedModel } from './scriptedModel.ts';

// The hooks a host's telemetry hangs on: what they are told, in what order, and what is skipped.

function recordingInstrumentation(options: { observe?: boolean } = {}) {
  const calls: string[] = [];
  const instrumentation: Instrumentation = {
    async resolveAgent(info, resolve) {
      calls.push(`resolve ${info.agentId} factory=${info.isFactory}`);
      const resolved = await resolve();
      calls.push(`resolved ${resolved.ctx.runId === '' ? '' : 'run'}`);
      return resolved;
    },
    observeRun({ ids, model }) {
      calls.push(`observe ${ids.agentId} ${model.id}/${model.provider}`);
      if (options.observe === false) return undefined;
      return {
        onEvent: (event: RunEvent) => calls.push(`event ${event.event}`),
        onStartFailed: () => calls.push('start failed'),
        wrapStore: (store: Store): Store =>
          new Proxy(store, {
            get(target, property) {
              const value: unknown = Reflect.get(target, property, target);
              if (typeof value !== 'function') return value;
              return (...args: unknown[]) => {
                calls.push(`store ${String(property)}`);
                return (value as (...a: unknown[]) => unknown).apply(target, args);
              };
            },
          }),
      };
    },
  };
  return { calls, instrumentation };
}

function runtimeWith(instrumentation: Instrumentation, db: Store = new InMemoryDb()) {
  const model = new ScriptedModel([
    { toolCalls: [{ id: 'c1', name: 'missing', arguments: '{}' }] },
    { text: 'done' },
  ]);
  const factory = new AgentFactory({
    id: 'probe',
    db,
    factory: () => new Agent({ model }),
  });
  const plain = new Agent({ id: 'plain', model: new ScriptedModel([{ text: 'hi' }]), db });
  return new AgentRuntime({ agents: [factory, plain], logger: silentLogger, instrumentation });
}

describe('Instrumentation', () => {
  it('wraps the resolve, sees every event in order, and sees the run’s store calls', async () => {
    const { calls, instrumentation } = recordingInstrumentation();
    const runtime = runtimeWith(instrumentation);
    const run = await runtime.startRun({ agentId: 'probe', message: 'hello', caller: {} });
    await run.done;
    expect(calls.slice(0, 4)).toEqual([
      'resolve probe factory=true',
      'resolved run',
      'observe probe scripted-1/Scripted',
      'store createRun',
    ]);
    expect(calls.filter((c) => c.startsWith('event '))).toEqual([
      'event RunStarted',
      'event ModelRequestStarted',
      'event ModelRequestCompleted',
      'event ToolCallStarted',
      'event ToolCallError',
      'event ModelRequestStarted',
      'event RunContent',
      'event ModelRequestCompleted',
      'event RunContentCompleted',
      'event RunCompleted',
    ]);
    expect(calls).toContain('store appendEvents');
    expect(calls.at(-1)).toBe('store finishRun');
    await runtime.close();
  });

  it('skips the resolve wrapper when wrapsResolve says it would do nothing', async () => {
    const { calls, instrumentation } = recordingInstrumentation();
    const asked: string[] = [];
    const runtime = runtimeWith({
      ...instrumentation,
      resolveAgent: instrumentation.resolveAgent,
      wrapsResolve(info) {
        asked.push(`${info.agentId} factory=${info.isFactory}`);
        return info.agentId !== 'probe';
      },
    });
    const skipped = await runtime.startRun({ agentId: 'probe', message: 'hello', caller: {} });
    expect((await skipped.done).status).toBe('COMPLETED');
    const wrapped = await runtime.startRun({ agentId: 'plain', message: 'hello', caller: {} });
    await wrapped.done;
    expect(asked).toEqual(['probe factory=true', 'plain factory=false']);
    // Only the run whose wrapper was wanted went through it; both were observed.
    expect(calls.filter((c) => c.startsWith('resolve'))).toEqual([
      'resolve plain factory=false',
      'resolved run',
    ]);
    expect(calls.filter((c) => c.startsWith('observe'))).toEqual([
      'observe probe scripted-1/Scripted',
      'observe plain scripted-1/Scripted',
    ]);
    await runtime.close();
  });

  it('awaits a wrapper that answers with a thenable that is not a native promise', async () => {
    const { instrumentation } = recordingInstrumentation();
    const runtime = runtimeWith({
      ...instrumentation,
      resolveAgent: (_info, resolve) => {
        // biome-ignore lint/suspicious/noThenProperty: the point is a thenable that is no Promise
        const thenable = { then: (ok: never, fail: never) => resolve().then(ok, fail) };
        return thenable as unknown as ReturnType<typeof resolve>;
      },
    });
    const run = await runtime.startRun({ agentId: 'probe', message: 'hello', caller: {} });
    expect((await run.done).status).toBe('COMPLETED');
    await runtime.close();
  });

  it('tells the observer when the run record cannot be written', async () => {
    const { calls, instrumentation } = recordingInstrumentation();
    const db = new InMemoryDb();
    db.createRun = async () => {
      throw new Error('disk full');
    };
    const runtime = runtimeWith(instrumentation, db);
    await expect(
      runtime.startRun({ agentId: 'probe', message: 'hello', caller: {} }),
    ).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect(calls.slice(-2)).toEqual(['store createRun', 'start failed']);
    await runtime.close();
  });

  it('leaves a run alone when observeRun declines it', async () => {
    const { calls, instrumentation } = recordingInstrumentation({ observe: false });
    const runtime = runtimeWith(instrumentation);
    const run = await runtime.startRun({ agentId: 'plain', message: 'hello', caller: {} });
    expect((await run.done).status).toBe('COMPLETED');
    expect(calls).toEqual([
      'resolve plain factory=false',
      'resolved run',
      'observe plain scripted-1/Scripted',
    ]);
    await runtime.close();
  });

  it.each([
    ['streamed', true],
    ['whole', false],
  ])(
    'runs the model’s and the tools’ work inside `within` (%s answers)',
    async (_, streamModel) => {
      // What a tracer does in `within`: make the call's span the active context for its work.
      const active = new AsyncLocalStorage<string>();
      const scopes: string[] = [];
      const seen: string[] = [];
      const label = (call: ObservedCall) =>
        call.kind === 'model' ? 'model' : `tool ${call.toolCallId}`;
      const instrumentation: Instrumentation = {
        resolveAgent: (_info, resolve) => resolve(),
        observeRun: () => ({
          onEvent: () => {},
          onStartFailed: () => {},
          within: <T>(call: ObservedCall, work: () => T): T => {
            scopes.push(label(call));
            return active.run(label(call), work);
          },
        }),
      };
      const model = new ScriptedModel(
        [
          {
            toolCalls: [
              { id: 'c1', name: 'lookup', arguments: '{"word":"a"}' },
              { id: 'c2', name: 'lookup', arguments: '{"word":"b"}' },
            ],
          },
          { text: ['do', 'ne'] },
        ],
        { onRequest: () => void seen.push(`request in ${active.getStore()}`) },
      );
      const lookup = tool({
        name: 'lookup',
        description: 'Looks a word up',
        parameters: z.object({ word: z.string() }),
        execute: async ({ word }) => {
          await new Promise((resolve) => setTimeout(resolve, 1));
          seen.push(`${word} in ${active.getStore()}`);
          return word;
        },
      });
      const agent = new Agent({ id: 'probe', model, tools: [lookup], db: new InMemoryDb() });
      const runtime = new AgentRuntime({ agents: [agent], logger: silentLogger, instrumentation });
      const run = await runtime.startRun({
        agentId: 'probe',
        message: 'hi',
        caller: {},
        streamModel,
      });
      expect((await run.done).status).toBe('COMPLETED');
      expect(seen.sort()).toEqual([
        'a in tool c1',
        'b in tool c2',
        'request in model',
        'request in model',
      ]);
      // Streamed: the stream is opened and then every pull of it (4 for the final answer, 2 parts
      // and its end) runs in the call's scope; whole: one generate per call.
      expect(new Set(scopes)).toEqual(new Set(['model', 'tool c1', 'tool c2']));
      expect(scopes.filter((s) => s === 'model').length).toBeGreaterThan(streamModel ? 4 : 1);
      await runtime.close();
    },
  );
});
