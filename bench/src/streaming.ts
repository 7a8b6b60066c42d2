import { Agent as HttpAgent } from 'node:http';
import { ServerSet } from './http/benchServers.ts';
import { Checks, ms } from './http/checks.ts';
import { asLoadGenerator, type ChildServer } from './http/childServer.ts';
import { percentile } from './http/load.ts';
import {
  baselineTRPCStreamRequest,
  captureTRPCStream,
  FACTORY_INPUT,
  MESSAGE,
  restRunRequest,
  trpcStreamRequest,
} from './http/requests.ts';
import { readSse, type SseRequest } from './http/sseClient.ts';
import { eventsPerRun, STREAM_DELTAS } from './servers/benchModel.ts';
import type { BenchOptions, BenchRow, BenchSuite } from './suite.ts';

/**
 * Streaming over SSE with a zero-latency model that emits 200 deltas: time to the first run event
 * (p50 at one connection) and events per second, for the tRPC subscription (a client's `stream()`:
 * `agents[id].start`, then the `runs.watch` GET the real httpSubscriptionLink opens; both timed)
 * and REST `stream=true`, beside the bare baseline writing the same SSE by hand. The tRPC
 * subscription's ratio is to the bare server doing the same protocol work (a start POST, then a
 * watch GET of the started run); its note also gives the gap to the bare one-GET stream.
 * Mastra's `/stream` is the peer.
 */
export const streamingSuite: BenchSuite = { name: 'streaming', run: runStreamingSuite };

const SUITE = 'streaming';
const CONCURRENT = 16;

interface StreamTarget {
  readonly label: string;
  readonly server: ChildServer;
  readonly request: SseRequest;
  /** Run events one stream must carry (Mastra's chunks differ, so it is not checked). */
  readonly expectEvents?: number;
  /** The bare server's same framing, for the ratio. */
  readonly baseline?: StreamTarget;
  /** Another bare target the note compares with (the tRPC stream's one-GET baseline). */
  readonly alsoVs?: StreamTarget;
}

interface Sizes {
  readonly sequential: number;
  readonly warmup: number;
  readonly concurrentS: number;
}

function sizes(smoke: boolean): Sizes {
  return smoke
    ? { sequential: 5, warmup: 2, concurrentS: 0.3 }
    : { sequential: 300, warmup: 50, concurrentS: 3 };
}

async function runStreamingSuite(options: BenchOptions): Promise<BenchRow[]> {
  const servers = new ServerSet();
  const checks = new Checks();
  const rows: BenchRow[] = [];
  const size = sizes(options.smoke);
  try {
    await asLoadGenerator(async () => {
      const targets = await streamTargets(servers, checks, rows);
      for (const target of targets) rows.push(...(await measureTarget(target, size, checks)));
    });
  } finally {
    await servers.closeAll();
  }
  checks.settle(SUITE, options.smoke);
  return rows;
}

async function streamTargets(
  servers: ServerSet,
  checks: Checks,
  rows: BenchRow[],
): Promise<StreamTarget[]> {
  const baseline = await servers.baseline('stream200');
  const ours = await servers.agentmint('memory', 'stream200');
  const expected = eventsPerRun(STREAM_DELTAS);
  // One start + watch through the real links: proves the events arrive whole.
  const viaClient = await captureTRPCStream(ours.url);
  checks.expect(
    viaClient.events.length === expected && viaClient.events.at(-1)?.event === 'RunCompleted',
    `tRPC httpSubscriptionLink received ${viaClient.events.length} events, expected ${expected}`,
  );
  // AgentOS and the baseline: start (POST) then runs.watch (GET), as a client's stream(); the
  // baseline also streams in one GET (round 1's protocol, the lower bound).
  const trpc = trpcStreamRequest();
  const baselineTrpcRequest = baselineTRPCStreamRequest();
  const rest = await restRunRequest({ stream: true });
  const restSse: SseRequest = { ...rest, countBlocksWith: 'id' };
  const baselineTrpc: StreamTarget = {
    label: 'baseline SSE, tRPC framing',
    server: baseline,
    request: baselineTrpcRequest,
    expectEvents: expected,
  };
  const baselineRest: StreamTarget = {
    label: 'baseline SSE, Agno framing',
    server: baseline,
    request: restSse,
    expectEvents: expected,
  };
  const baselineTrpcStartWatch: StreamTarget = {
    label: 'baseline SSE, tRPC framing, start + watch',
    server: baseline,
    request: trpc,
    expectEvents: expected,
  };
  const targets: StreamTarget[] = [
    baselineTrpc,
    baselineTrpcStartWatch,
    {
      label: 'tRPC subscription',
      server: ours,
      request: trpc,
      expectEvents: expected,
      baseline: baselineTrpcStartWatch,
      alsoVs: baselineTrpc,
    },
    baselineRest,
    {
      label: 'REST stream=true',
      server: ours,
      request: restSse,
      expectEvents: expected,
      baseline: baselineRest,
    },
  ];
  const mastra = await servers.mastra('stream200');
  if (typeof mastra === 'string') {
    rows.push({
      suite: SUITE,
      name: 'Mastra /stream (not measured)',
      value: 0,
      unit: '',
      note: mastra,
    });
  } else {
    targets.push({
      label: 'Mastra /stream',
      server: mastra,
      request: {
        method: 'POST',
        path: '/api/agents/research-agent/stream',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          messages: MESSAGE,
          requestContext: { userId: 'u1', ...FACTORY_INPUT },
        }),
        countBlocksWith: 'data',
      },
      baseline: baselineRest,
    });
  }
  return targets;
}

interface Measured {
  readonly firstEventP50: number;
  readonly firstEventP99: number;
  readonly eventsPerSecond1: number;
  readonly eventsPerSecondN: number;
}

const measured = new Map<StreamTarget, Measured>();

async function measureTarget(
  target: StreamTarget,
  size: Sizes,
  checks: Checks,
): Promise<BenchRow[]> {
  const agent = new HttpAgent({ keepAlive: true, maxSockets: CONCURRENT });
  try {
    let bad = 0;
    const verify = (result: { status: number; events: number }) => {
      if (
        result.status !== 200 ||
        (target.expectEvents !== undefined && result.events !== target.expectEvents)
      )
        bad++;
    };
    for (let i = 0; i < size.warmup; i++)
      verify(await readSse(target.server.url, target.request, { agent }));
    // c=1: one stream after another on one keep-alive connection.
    const firsts: number[] = [];
    let events = 0;
    let busyMs = 0;
    for (let i = 0; i < size.sequential; i++) {
      const result = await readSse(target.server.url, target.request, { agent });
      verify(result);
      firsts.push(result.firstEventMs);
      events += result.events;
      busyMs += result.totalMs;
    }
    firsts.sort((a, b) => a - b);
    // c=16: closed loop for a fixed time, events summed over every stream.
    let concurrentEvents = 0;
    const started = performance.now();
    const deadline = started + size.concurrentS * 1000;
    await Promise.all(
      Array.from({ length: CONCURRENT }, async () => {
        while (performance.now() < deadline) {
          const result = await readSse(target.server.url, target.request, { agent });
          verify(result);
          concurrentEvents += result.events;
        }
      }),
    );
    const elapsedS = (performance.now() - started) / 1000;
    const result: Measured = {
      firstEventP50: percentile(firsts, 0.5),
      firstEventP99: percentile(firsts, 0.99),
      eventsPerSecond1: events / (busyMs / 1000),
      eventsPerSecondN: concurrentEvents / elapsedS,
    };
    measured.set(target, result);
    const verdict =
      target.expectEvents === undefined
        ? ''
        : `, ${checks.expect(bad === 0, `${target.label}: ${bad} streams without status 200 and all ${target.expectEvents} events`)}`;
    const base = target.baseline ? measured.get(target.baseline) : undefined;
    const other = target.alsoVs ? measured.get(target.alsoVs) : undefined;
    const gap = (to: Measured) => {
      const delta = result.firstEventP50 - to.firstEventP50;
      return `${delta >= 0 ? '+' : ''}${ms(delta)}`;
    };
    const delta =
      (base ? `, ${gap(base)} vs ${target.baseline?.label}` : '') +
      (other ? `, ${gap(other)} vs ${target.alsoVs?.label} (one GET)` : '');
    const otherRatio = (ours: number, theirs: number) =>
      other ? `; ${(ours / theirs).toFixed(2)}x of ${target.alsoVs?.label} (one GET)` : '';
    return [
      {
        suite: SUITE,
        name: `c=1 first event p50, ${target.label}`,
        value: result.firstEventP50,
        unit: 'ms',
        ...(base && { ratio: result.firstEventP50 / base.firstEventP50 }),
        note: `p99 ${ms(result.firstEventP99)}${delta}${verdict}`,
      },
      {
        suite: SUITE,
        name: `c=1 events/s, ${target.label}`,
        value: result.eventsPerSecond1,
        unit: 'events/s',
        ...(base && { ratio: result.eventsPerSecond1 / base.eventsPerSecond1 }),
        note: `${size.sequential} streams of ${target.expectEvents ?? '~'} events${otherRatio(result.eventsPerSecond1, other?.eventsPerSecond1 ?? 1)}`,
      },
      {
        suite: SUITE,
        name: `c=${CONCURRENT} events/s, ${target.label}`,
        value: result.eventsPerSecondN,
        unit: 'events/s',
        ...(base && { ratio: result.eventsPerSecondN / base.eventsPerSecondN }),
        note: `${CONCURRENT} streams at a time for ${size.concurrentS} s${otherRatio(result.eventsPerSecondN, other?.eventsPerSecondN ?? 1)}`,
      },
    ];
  } finally {
    agent.destroy();
  }
}
