import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Agent, AgentFactory, AgentRuntime, InMemoryDb, type Store } from '../src/index.ts';
import { ScriptedModel } from './scriptedModel.ts';

const db = new InMemoryDb();
const factory = () => new Agent({ model: new ScriptedModel([]) });

describe('new AgentFactory: checks at construction (§9.1)', () => {
  it('accepts a valid id and db', () => {
    const f = new AgentFactory({ id: 'tenant-agent', db, factory });
    expect(f.id).toBe('tenant-agent');
    expect(f.db).toBe(db);
    expect(f.kind).toBe('factory');
  });

  it('rejects an empty id', () => {
    expect(() => new AgentFactory({ id: '', db, factory })).toThrow(
      /AgentFactory needs a non-empty string id/,
    );
  });

  it.each(['has.dot', 'has space', '-leading', '_leading', 'sl/ash', 'ünï'])(
    "rejects the invalid id '%s' with the rule it broke",
    (id) => {
      expect(() => new AgentFactory({ id, db, factory })).toThrow(/must match/);
    },
  );

  it.each(['then', 'call', 'apply', 'list', 'get'])("rejects the reserved id '%s'", (id) => {
    expect(() => new AgentFactory({ id, db, factory })).toThrow(`id '${id}' is reserved`);
  });

  it('rejects a missing db', () => {
    expect(
      () => new AgentFactory({ id: 'no-db', db: undefined as unknown as Store, factory }),
    ).toThrow("AgentFactory 'no-db' needs a db");
  });

  it('rejects a missing factory function', () => {
    expect(
      () =>
        new AgentFactory({
          id: 'no-fn',
          db,
          factory: undefined as unknown as () => Agent,
        }),
    ).toThrow("AgentFactory 'no-fn' needs a factory function");
  });

  it.each([0, -1, Number.NaN])('rejects timeoutMs %s', (timeoutMs) => {
    expect(() => new AgentFactory({ id: 'slow', db, factory, timeoutMs })).toThrow(
      /timeoutMs must be a positive number/,
    );
  });

  it('rejects a cache without positive ttlMs and max', () => {
    expect(
      () => new AgentFactory({ id: 'c', db, factory, cache: { key: () => 'k', ttlMs: 0, max: 1 } }),
    ).toThrow(/cache needs positive ttlMs and max/);
    expect(
      () =>
        new AgentFactory({ id: 'c', db, factory, cache: { key: () => 'k', ttlMs: 10, max: 0 } }),
    ).toThrow(/cache needs positive ttlMs and max/);
  });

  it('keeps the input schema for listings', () => {
    const inputSchema = z.object({ depth: z.number().default(3) });
    expect(new AgentFactory({ id: 'with-schema', db, factory, inputSchema }).inputSchema).toBe(
      inputSchema,
    );
  });
});

describe('registration', () => {
  it('rejects two agents with the same id, factories and plain agents alike', () => {
    const f = new AgentFactory({ id: 'same', db, factory });
    const plain = new Agent({ id: 'same', model: new ScriptedModel([]) });
    expect(() => new AgentRuntime({ agents: [f, plain] })).toThrow(
      "Two agents are registered with the id 'same'",
    );
  });

  it('rejects a plain agent without an id', () => {
    expect(
      () => new AgentRuntime({ agents: [new Agent({ model: new ScriptedModel([]) })] }),
    ).toThrow(/Agent needs a non-empty string id/);
  });
});
