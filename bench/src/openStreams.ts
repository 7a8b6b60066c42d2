import { ServerSet } from './http/benchServers.ts';
import { Checks, kib } from './http/checks.ts';
import { asLoadGenerator, type ChildServer } from './http/childServer.ts';
import type { ServerStats } from './http/ipc.ts';
import { baselineTRPCStreamRequest, restRunRequest, trpcStreamRequest } from './http/requests.ts';
import { readSse, type SseRequest, type SseResult } from './http/sseClient.ts';
import { eventsPerRun, SLOW_DELAY_MS, SLOW_DELTAS } from './servers/benchModel.ts';
import type { BenchOptions, BenchRow, BenchSuite } from './suite.ts';

/**
 * Many streams open at once: the model emits 20 deltas 250 ms apart, 1,000 streams are opened
 * together, and the server process reports its heap and RSS (after a full GC) while they are all
 * open. Memory per open run = (open − idle) ÷ runs open at that moment. Every stream must end
 * with every event; the row says so (a failure fails `--smoke`).
 */
export const openStreamsSuite: BenchSuite = { name: 'openStreams', run: runOpenStreamsSuite };

const SUITE = 'openStreams';
const EXPECTED_EVENTS = eventsPerRun(SLOW_DELTAS);

interface Target {
  readonly label: string;
  readonly server: ChildServer;
  readonly request: SseRequest;
  readonly baseline?: Target;
}

interface Measured {
  readonly heapPerRun: number;
  readonly rssPerRun: number;
}

async function runOpenStreamsSuite(options: BenchOptions): Promise<BenchRow[]> {
  const streams = options.smoke ? 50 : Number(process.env.BENCH_OPEN_STREAMS ?? 1000);
  const delayMs = options.smoke ? 20 : SLOW_DELAY_MS;
  const servers = new ServerSet();
  const checks = new Checks();
  const rows: BenchRow[] = [];
  try {
    await asLoadGenerator(async () => {
      const pace = { BENCH_SLOW_DELAY_MS: String(delayMs) };
      const baseline = await servers.baseline('slow20', pace);
      const ours = await servers.agentmint('memory', 'slow20', pace);
      const rest: SseRequest = {
        ...(await restRunRequest({ stream: true })),
        countBlocksWith: 'id',
      };
      // AgentOS: start (POST) then runs.watch (GET), as a client's stream(); the baseline: one GET.
      const trpc = trpcStreamRequest();
      const baselineRest: Target = {
        label: 'baseline SSE, Agno framing',
        server: baseline,
        request: rest,
      };
      const baselineTrpc: Target = {
        label: 'baseline SSE, tRPC framing',
        server: baseline,
        request: baselineTRPCStreamRequest(),
      };
      const targets: Target[] = [
        baselineRest,
        {
          label: 'REST stream=true, InMemoryDb',
          server: ours,
          request: rest,
          baseline: baselineRest,
        },
        baselineTrpc,
        {
          label: 'tRPC subscription, InMemoryDb',
          server: ours,
          request: trpc,
          baseline: baselineTrpc,
        },
      ];
      // Warm every path at once (one slow stream's time), so each idle reading has compiled code.
      await Promise.all(
        targets.flatMap((t) => Array.from({ length: 10 }, () => readSse(t.server.url, t.request))),
      );
      const results = new Map<Target, Measured>();
      for (const target of targets) {
        rows.push(...(await measure(target, streams, delayMs, checks, results)));
      }
    });
  } finally {
    await servers.closeAll();
  }
  checks.settle(SUITE, options.smoke);
  return rows;
}

async function measure(
  target: Target,
  streams: number,
  delayMs: number,
  checks: Checks,
  results: Map<Target, Measured>,
): Promise<BenchRow[]> {
  const { server, request } = target;
  const idle = await server.stats();

  let firstEvents = 0;
  let allOpen: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    allOpen = resolve;
  });
  const started = performance.now();
  const pending = Array.from({ length: streams }, () =>
    readSse(server.url, request, {
      timeoutMs: 120_000,
      onFirstEvent: () => {
        if (++firstEvents === streams) allOpen();
      },
    }).catch((error: unknown): SseResult & { error: string } => ({
      status: 0,
      firstEventMs: Number.NaN,
      totalMs: Number.NaN,
      events: 0,
      error: error instanceof Error ? error.message : String(error),
    })),
  );
  // Every stream has its first event (or 60 s passed): read the server while they are open.
  await Promise.race([opened, new Promise((resolve) => setTimeout(resolve, 60_000).unref())]);
  const openMs = performance.now() - started;
  const open = await server.stats();
  const finished = await Promise.all(pending);
  const after = await server.stats();

  const complete = finished.filter((r) => r.status === 200 && r.events === EXPECTED_EVENTS).length;
  const errors = finished.filter((r) => r.status === 0).length;
  const verdict = checks.expect(
    complete === streams,
    `${target.label}: ${complete}/${streams} streams complete with all ${EXPECTED_EVENTS} events (${errors} failed)`,
  );
  const runsOpen = Math.max(1, open.openRuns);
  const measured: Measured = {
    heapPerRun: (open.heapUsed - idle.heapUsed) / runsOpen,
    rssPerRun: (open.rss - idle.rss) / runsOpen,
  };
  results.set(target, measured);
  const base = target.baseline ? results.get(target.baseline) : undefined;
  const retained = retainedNote(idle, after, streams);
  return [
    {
      suite: SUITE,
      name: `heap per open stream, ${target.label}`,
      value: measured.heapPerRun / 1024,
      unit: 'KiB',
      ...(base && base.heapPerRun > 0 && { ratio: measured.heapPerRun / base.heapPerRun }),
      note: `${open.openRuns} of ${streams} open when measured (all had their first event after ${Math.round(openMs)} ms); idle heap ${kib(idle.heapUsed)}, open ${kib(open.heapUsed)}; ${retained}${target.baseline ? '; goal <= 64 KiB' : ''}`,
    },
    {
      suite: SUITE,
      name: `RSS per open stream, ${target.label}`,
      value: measured.rssPerRun / 1024,
      unit: 'KiB',
      ...(base && base.rssPerRun > 0 && { ratio: measured.rssPerRun / base.rssPerRun }),
      note: `idle RSS ${kib(idle.rss)}, open ${kib(open.rss)}`,
    },
    {
      suite: SUITE,
      name: `streams complete, ${target.label}`,
      value: complete,
      unit: `of ${streams}`,
      note: `every stream ${EXPECTED_EVENTS} events (${SLOW_DELTAS} deltas ${delayMs} ms apart): ${verdict}`,
    },
  ];
}

/** What stays in the heap once the streams ended: the store's copy of each run, for InMemoryDb. */
function retainedNote(idle: ServerStats, after: ServerStats, streams: number): string {
  return `retained after all ended ${kib((after.heapUsed - idle.heapUsed) / streams)} per run`;
}
