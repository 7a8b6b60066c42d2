import { setTimeout as sleep } from 'node:timers/promises';
import { PostgresDb } from '@agentmint/db';
import {
  type FakeOpenAIRequest,
  type FakeOpenAIServer,
  startFakeOpenAIServer,
} from '@agentmint/testing';
import { type ChildServer, startServer } from './http/childServer.ts';
import { percentile } from './http/load.ts';
import type { BenchOptions, BenchRow, BenchSuite } from './suite.ts';

/**
 * Issue #12's figures, two AgentOS processes on one PostgreSQL schema, each with the real openai
 * SDK against a fake OpenAI server in this process:
 * - cancel latency: a cancel sent to B for a run executing on A, until A's model request is seen
 *   aborted by the fake server; beside it the same cancel sent to A itself;
 * - first live event: a watcher on B vs a watcher on A, each measured from the moment the client
 *   that started the run (on A) received the same event;
 * - runs/s (REST, stream=false, zero-latency model) against one process, then both in turn.
 * The servers are not pinned: two processes on one CPU would measure nothing.
 */
const SUITE = 'instances';
const DEFAULT_PG_URL = 'postgresql://postgres@127.0.0.1:5432/test';
/** Issue #12: a cancel reaches the executing instance's model request within 250 ms (p99). */
export const CANCEL_P99_GOAL_MS = 250;
const BOTH_CPUS = '0-1';
const CONCURRENCY = 16;

interface Plan {
  readonly cancels: number;
  readonly watches: number;
  readonly loadS: number;
}

function plan(smoke: boolean): Plan {
  return smoke ? { cancels: 2, watches: 2, loadS: 0.5 } : { cancels: 40, watches: 20, loadS: 3 };
}

export const crossInstanceSuite: BenchSuite = { name: SUITE, run };

async function run({ smoke }: BenchOptions): Promise<BenchRow[]> {
  const dbUrl = process.env.DATABASE_URL ?? DEFAULT_PG_URL;
  const schema = `agentmint_bench_instances_${process.pid}_${Date.now().toString(36)}`;
  const setup = new PostgresDb({ dbUrl, schema, id: 'bench-setup', pool: { max: 2 } });
  try {
    await setup.init(); // migrated once here, so the instances start without racing for it
  } catch (error) {
    await setup.close().catch(() => {});
    return [skipped(`PostgreSQL: ${error instanceof Error ? error.message : String(error)}`)];
  }
  const fake = await startFakeOpenAIServer({ fallback: { text: 'ok', deltas: 1 } });
  const servers: ChildServer[] = [];
  try {
    const start = (name: string) =>
      startServer({
        name,
        script: 'instanceServer.ts',
        env: { BENCH_DATABASE_URL: dbUrl, BENCH_SCHEMA: schema, OPENAI_BASE_URL: fake.url },
        cpus: BOTH_CPUS,
        startTimeoutMs: 120_000, // a hang bound; a busy CI box starts servers slowly
      });
    const [a, b] = await Promise.all([start('instance A'), start('instance B')]);
    servers.push(a, b);
    const { cancels, watches, loadS } = plan(smoke);
    return [
      ...(await cancelLatency(fake, a, b, cancels)),
      ...(await firstLiveEvent(fake, a, b, watches)),
      ...(await runsPerSecond(a, b, loadS)),
    ];
  } finally {
    await Promise.all(servers.map((server) => server.close()));
    await fake.close();
    await setup.orm?.em
      .getConnection()
      .execute(`drop schema if exists "${schema}" cascade`)
      .catch(() => {});
    await setup.close();
  }
}

/** Cancels sent to B and to A, interleaved, each until A's model request is seen aborted. */
async function cancelLatency(
  fake: FakeOpenAIServer,
  a: ChildServer,
  b: ChildServer,
  rounds: number,
): Promise<BenchRow[]> {
  const cross: number[] = [];
  const same: number[] = [];
  for (let i = 0; i < rounds; i++) {
    cross.push(await cancelOnce(fake, a, b));
    same.push(await cancelOnce(fake, a, a));
  }
  const [crossP50, crossP99] = p50p99(cross);
  const [sameP50, sameP99] = p50p99(same);
  const met = crossP99 <= CANCEL_P99_GOAL_MS;
  return [
    {
      suite: SUITE,
      name: 'cancel → model abort p50, cancel sent to the same instance',
      value: sameP50,
      unit: 'ms',
      note: `p99 ${sameP99.toFixed(1)} ms, ${same.length} cancels`,
    },
    {
      suite: SUITE,
      name: 'cancel → model abort p50, cancel sent to another instance',
      value: crossP50,
      unit: 'ms',
      ratio: crossP50 / sameP50,
      note: `${cross.length} cancels; ratio to the same-instance p50`,
    },
    {
      suite: SUITE,
      name: 'cancel → model abort p99, cancel sent to another instance',
      value: crossP99,
      unit: 'ms',
      ratio: crossP99 / sameP99,
      note: `goal p99 <= ${CANCEL_P99_GOAL_MS} ms: ${met ? 'met' : 'missed'}`,
    },
  ];
}

async function cancelOnce(
  fake: FakeOpenAIServer,
  owner: ChildServer,
  canceller: ChildServer,
): Promise<number> {
  fake.script({ fault: 'hang' }); // the model call stays open until it is aborted
  const calls = fake.requests.length;
  const stream = await startRun(owner, 'a run to cancel');
  const runId = await stream.runId;
  const call = await nextRequest(fake, calls);
  const sent = performance.now();
  const cancelled = fetch(`${canceller.url}/agents/relay/runs/${runId}/cancel`, {
    method: 'POST',
  });
  await call.closed;
  const ms = performance.now() - sent;
  if (!call.aborted) throw new Error(`run ${runId}: the model request ended without an abort`);
  await (await cancelled).arrayBuffer();
  const last = (await stream.done).at(-1);
  if (last?.event !== 'RunCancelled') throw new Error(`run ${runId}: ended with ${last?.event}`);
  return ms;
}

/** A watcher on A and one on B join a live run; each is timed against the starting client. */
async function firstLiveEvent(
  fake: FakeOpenAIServer,
  a: ChildServer,
  b: ChildServer,
  rounds: number,
): Promise<BenchRow[]> {
  const same: number[] = [];
  const cross: number[] = [];
  for (let i = 0; i < rounds; i++) {
    // Deltas 150 ms apart: the watchers connect between two of them and see the next one live.
    fake.script({ text: 'one two three four five six', deltas: 6, delayMs: 150 });
    const own = await startRun(a, 'a run to watch');
    const runId = await own.runId;
    const content = await own.next((event) => event.event === 'RunContent');
    const after = content.seq;
    const [onA, onB] = await Promise.all([watch(a, runId, after), watch(b, runId, after)]);
    const [seenOwn, seenA, seenB] = await Promise.all(
      [own, onA, onB].map((stream) => stream.next((event) => event.seq === after + 1)),
    );
    same.push(seenA!.at - seenOwn!.at);
    cross.push(seenB!.at - seenOwn!.at);
    await (await fetch(`${a.url}/agents/relay/runs/${runId}/cancel`, { method: 'POST' })).text();
    await Promise.all([own.done, onA.done, onB.done]);
  }
  const [sameP50] = p50p99(same);
  const [crossP50, crossP99] = p50p99(cross);
  return [
    {
      suite: SUITE,
      name: 'first live event p50, watcher on the same instance',
      value: sameP50,
      unit: 'ms',
      note: `after the starting client got it; ${same.length} runs`,
    },
    {
      suite: SUITE,
      name: 'first live event p50, watcher on another instance',
      value: crossP50,
      unit: 'ms',
      ratio: crossP50 / sameP50,
      note: `p99 ${crossP99.toFixed(1)} ms; ratio to the same-instance watcher (LISTEN/NOTIFY, then a read)`,
    },
  ];
}

/** Closed-loop REST runs (stream=false) for `seconds`: against A alone, then against A and B. */
async function runsPerSecond(a: ChildServer, b: ChildServer, seconds: number): Promise<BenchRow[]> {
  await closedLoop([a, b], Math.min(1, seconds)); // warm-up: JIT, pools, the fake server
  const one = await closedLoop([a], seconds);
  const two = await closedLoop([a, b], seconds);
  const note = (result: LoopResult) =>
    `${result.runs} runs in ${seconds} s at concurrency ${CONCURRENCY}, ${result.failed} failed`;
  return [
    {
      suite: SUITE,
      name: 'runs/s, 1 process, PostgresDb',
      value: one.runs / seconds,
      unit: 'runs/s',
      note: note(one),
    },
    {
      suite: SUITE,
      name: 'runs/s, 2 processes, PostgresDb',
      value: two.runs / seconds,
      unit: 'runs/s',
      ratio: two.runs / Math.max(1, one.runs),
      note: `${note(two)}; ratio to 1 process (both share this box's 2 cores with PostgreSQL)`,
    },
  ];
}

interface LoopResult {
  readonly runs: number;
  readonly failed: number;
}

async function closedLoop(targets: readonly ChildServer[], seconds: number): Promise<LoopResult> {
  const until = performance.now() + seconds * 1_000;
  let runs = 0;
  let failed = 0;
  let turn = 0;
  const worker = async () => {
    while (performance.now() < until) {
      const target = targets[turn++ % targets.length]!;
      const body = new FormData();
      body.set('message', 'hi');
      body.set('stream', 'false');
      const response = await fetch(`${target.url}/agents/relay/runs`, { method: 'POST', body });
      await response.arrayBuffer();
      if (response.status === 200) runs++;
      else failed++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  if (failed > 0) throw new Error(`FAIL: ${failed} runs did not answer 200`);
  return { runs, failed };
}

interface TimedEvent {
  readonly seq: number;
  readonly event: string;
  readonly data: Record<string, unknown>;
  /** performance.now() when the block arrived. */
  readonly at: number;
}

interface TimedStream {
  readonly runId: Promise<string>;
  /** The first event (already arrived or still to come) that matches. */
  next(match: (event: TimedEvent) => boolean): Promise<TimedEvent>;
  readonly done: Promise<TimedEvent[]>;
}

function startRun(server: ChildServer, message: string): Promise<TimedStream> {
  const body = new FormData();
  body.set('message', message);
  body.set('stream', 'true');
  return timedStream(fetch(`${server.url}/agents/relay/runs`, { method: 'POST', body }));
}

function watch(server: ChildServer, runId: string, after: number): Promise<TimedStream> {
  return timedStream(
    fetch(`${server.url}/agents/relay/runs/${runId}/events`, {
      headers: { 'last-event-id': String(after) },
    }),
  );
}

/** Reads an AgentOS SSE response as it arrives, stamping each event with its arrival time. */
async function timedStream(pending: Promise<Response>): Promise<TimedStream> {
  const response = await pending;
  if (response.status !== 200 || !response.body)
    throw new Error(`FAIL: SSE answered ${response.status}: ${await response.text()}`);
  const events: TimedEvent[] = [];
  const waiters: { match: (event: TimedEvent) => boolean; resolve: (e: TimedEvent) => void }[] = [];
  const done = (async () => {
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let carry = '';
    for (;;) {
      const { value, done: ended } = await reader.read();
      const at = performance.now();
      carry += value ?? '';
      let end = carry.indexOf('\n\n');
      while (end >= 0) {
        const event = parseBlock(carry.slice(0, end), at);
        carry = carry.slice(end + 2);
        if (event) {
          events.push(event);
          for (const waiter of waiters.splice(0)) {
            if (waiter.match(event)) waiter.resolve(event);
            else waiters.push(waiter);
          }
        }
        end = carry.indexOf('\n\n');
      }
      if (ended) return events;
    }
  })();
  const next = (match: (event: TimedEvent) => boolean) => {
    const seen = events.find(match);
    if (seen) return Promise.resolve(seen);
    const waiting = new Promise<TimedEvent>((resolve) => waiters.push({ match, resolve }));
    // A stream that ends without the event fails the bench instead of hanging it.
    const ended = done.then((all) => {
      const found = all.find(match);
      if (found) return found;
      throw new Error(`FAIL: the stream ended without the awaited event (${all.length} events)`);
    });
    return Promise.race([waiting, ended]);
  };
  const runId = next(() => true).then((event) => String(event.data.run_id));
  return { runId, next, done };
}

function parseBlock(block: string, at: number): TimedEvent | undefined {
  let seq: number | undefined;
  let event = '';
  let data = '';
  for (const line of block.split('\n')) {
    if (line.startsWith('id:')) seq = Number(line.slice(3).trim());
    else if (line.startsWith('event:')) event = line.slice(6).trim();
    else if (line.startsWith('data:')) data += line.slice(5).trim();
  }
  if (seq === undefined || data === '') return undefined;
  return { seq, event, data: JSON.parse(data) as Record<string, unknown>, at };
}

/** The fake server's request number `index` (0-based), once it has arrived. */
async function nextRequest(fake: FakeOpenAIServer, index: number): Promise<FakeOpenAIRequest> {
  const deadline = performance.now() + 30_000;
  for (;;) {
    const request = fake.requests[index];
    if (request) return request;
    if (performance.now() > deadline) throw new Error('FAIL: the model was never called');
    await sleep(1);
  }
}

function p50p99(values: readonly number[]): [number, number] {
  const sorted = [...values].sort((x, y) => x - y);
  return [percentile(sorted, 0.5), percentile(sorted, 0.99)];
}

function skipped(why: string): BenchRow {
  return { suite: SUITE, name: 'several instances (not measured)', value: 0, unit: '', note: why };
}
