import { afterEach, describe, expect, it } from 'vitest';
import {
  AgentMintError,
  InMemoryDb,
  type NewRunRecord,
  newId,
  RunNotFoundError,
  type RunResult,
  SessionNotFoundError,
  type TerminalRunEvent,
} from '../src/index.ts';
import { isPermanentStoreError } from '../src/permanentStoreError.ts';
import { RunFinisher, type UnfinishedRun } from '../src/runFinisher.ts';
import { recordingLogger } from './scriptedModel.ts';

/** A driver error as pg and better-sqlite3 throw them: an Error with a string `code`. */
function driverError(code: string): Error {
  return Object.assign(new Error(`driver said ${code}`), { code });
}

describe('isPermanentStoreError', () => {
  it.each([
    ['PostgreSQL foreign key violation', driverError('23503')],
    ['PostgreSQL check constraint', driverError('23514')],
    ['PostgreSQL not-null violation', driverError('23502')],
    ['PostgreSQL unique violation', driverError('23505')],
    ['PostgreSQL invalid text', driverError('22P05')],
    ['SQLite foreign key', driverError('SQLITE_CONSTRAINT_FOREIGNKEY')],
    ['SQLite check', driverError('SQLITE_CONSTRAINT_CHECK')],
    ['SQLite not-null', driverError('SQLITE_CONSTRAINT_NOTNULL')],
    ['a row that is gone', new RunNotFoundError('r1')],
    ['a session of another owner', new SessionNotFoundError('s1')],
    [
      'a foreign key violation wrapped as STORE_UNAVAILABLE',
      new AgentMintError('STORE_UNAVAILABLE', 'wrapped', { cause: driverError('23503') }),
    ],
  ])('%s cannot heal', (_what, error) => {
    expect(isPermanentStoreError(error)).toBe(true);
  });

  it.each([
    ['a refused connection', driverError('ECONNREFUSED')],
    ['PostgreSQL shutting down', driverError('57P01')],
    ['PostgreSQL connection failure', driverError('08006')],
    ['a serialization failure', driverError('40001')],
    ['SQLite busy', driverError('SQLITE_BUSY')],
    ['a closed store', new AgentMintError('STORE_UNAVAILABLE', 'SqliteDb is closed')],
    ['a plain error', new Error('timeout')],
    ['not an error at all', 'boom'],
    ['nothing', undefined],
  ])('%s may heal (retried)', (_what, error) => {
    expect(isPermanentStoreError(error)).toBe(false);
  });
});

/** An InMemoryDb whose finishRun fails `failures` times with `error` before it answers. */
class FlakyStore extends InMemoryDb {
  finishCalls = 0;
  #failures: number;
  readonly #error: unknown;
  constructor(failures: number, error: unknown) {
    super();
    this.#failures = failures;
    this.#error = error;
  }
  override async finishRun(
    runId: string,
    result: RunResult,
    terminalEvent: TerminalRunEvent,
  ): Promise<boolean> {
    this.finishCalls++;
    if (this.#failures > 0) {
      this.#failures--;
      throw this.#error;
    }
    return super.finishRun(runId, result, terminalEvent);
  }
}

const result: RunResult = {
  status: 'COMPLETED',
  content: 'done',
  metrics: null,
  error: null,
  messages: [],
  updatedAt: new Date(),
};

async function recorded(store: InMemoryDb): Promise<UnfinishedRun> {
  const run: NewRunRecord = {
    runId: newId(),
    sessionId: newId(),
    agentId: 'a',
    userId: null,
    input: 'hi',
    factoryInput: null,
    model: null,
    modelProvider: null,
    createdAt: new Date(),
  };
  await store.createRun(run);
  const terminalEvent: TerminalRunEvent = {
    event: 'RunCompleted',
    seq: 1,
    createdAt: Date.now(),
    agentId: run.agentId,
    runId: run.runId,
    sessionId: run.sessionId,
    content: 'done',
    metrics: {
      duration: 0,
      timeToFirstToken: null,
      inputTokens: 0,
      outputTokens: 0,
      totalTokens: 0,
    },
  };
  return { runId: run.runId, store, flush: async () => {}, result, terminalEvent };
}

describe('RunFinisher', () => {
  const finishers: RunFinisher[] = [];
  afterEach(async () => {
    for (const finisher of finishers.splice(0)) await finisher.drain(0);
  });
  function finisherWith(logger: ReturnType<typeof recordingLogger>['logger']) {
    const finisher = new RunFinisher({ logger, retryMs: 10, maxRetryMs: 20 });
    finishers.push(finisher);
    return finisher;
  }

  it('says `refused` (not `failed`) for a row the store refuses for good', async () => {
    const store = new FlakyStore(1, driverError('23503'));
    expect(await RunFinisher.tryFinish(await recorded(store))).toBe('refused');
    const down = new FlakyStore(1, driverError('ECONNREFUSED'));
    expect(await RunFinisher.tryFinish(await recorded(down))).toBe('failed');
  });

  // Regression (issue #11): a foreign-key violation was retried forever, 78 stack traces in 10 min.
  it('gives a refused run up after one attempt, with one log line, and finishes the others', async () => {
    const { lines, logger } = recordingLogger();
    const finisher = finisherWith(logger);
    const refusing = new FlakyStore(Number.POSITIVE_INFINITY, driverError('23503'));
    const healthy = new FlakyStore(2, driverError('ECONNREFUSED'));
    const gone = await recorded(refusing);
    const late = await recorded(healthy);
    finisher.defer(gone);
    finisher.defer(late);
    await until(() => finisher.size === 0);
    expect(refusing.finishCalls).toBe(1);
    expect(healthy.finishCalls).toBe(3);
    expect(await healthy.getRun(late.runId)).toMatchObject({ status: 'COMPLETED' });
    expect(lines.filter((line) => line.level === 'error')).toEqual([
      expect.objectContaining({ details: { runId: gone.runId } }),
    ]);
  });

  it('one run failing at the head of the queue never blocks the runs behind it', async () => {
    const { logger } = recordingLogger();
    const finisher = finisherWith(logger);
    // Fails for a while (e.g. its own row is locked), while the store itself answers others.
    const stuck = new FlakyStore(5, driverError('40001'));
    const sameStore = await recorded(stuck);
    const other = new InMemoryDb();
    const behind = await recorded(other);
    finisher.defer(await recorded(stuck));
    finisher.defer(sameStore);
    finisher.defer(behind);
    await until(async () => (await other.getRun(behind.runId))?.status === 'COMPLETED');
    // Finished while the stuck store was still failing (it fails 5 times), not after it healed.
    expect(stuck.finishCalls).toBeLessThan(5);
    await until(() => finisher.size === 0);
    expect(await stuck.getRun(sameStore.runId)).toMatchObject({ status: 'COMPLETED' });
  });
});

async function until(done: () => boolean | Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500 && !(await done()); i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  expect(await done()).toBe(true);
}
