import { DB_LABEL, type DbKind, ServerSet } from './http/benchServers.ts';
import { Checks, ms } from './http/checks.ts';
import { asLoadGenerator, type ChildServer } from './http/childServer.ts';
import { type LoadRequest, type LoadResult, runLoad } from './http/load.ts';
import { BAD_FACTORY_INPUT, captureTRPCRun, restRunRequest } from './http/requests.ts';
import type { BenchOptions, BenchRow, BenchSuite } from './suite.ts';

/**
 * Non-streaming runs over loopback, zero-latency model, closed-loop keep-alive load (autocannon)
 * at 1, 16 and 64 connections. Every figure has a ratio to the bare node:http baseline measured
 * just before it, on the same body encoding (JSON for tRPC and Mastra, multipart for REST).
 */
export const httpRunsSuite: BenchSuite = { name: 'http', run: runHttpSuite };

const SUITE = 'http';
const LEVELS = [1, 16, 64] as const;
const INVALID_LEVEL = 16;

/** The body encoding a target sends: its baseline is the bare server's route for the same one. */
type Encoding = 'json' | 'multipart';

export interface Target {
  readonly label: string;
  readonly server: ChildServer;
  readonly request: LoadRequest;
  readonly encoding: Encoding;
  /** A peer's wrong statuses are reported, not failed on (CI must not depend on Mastra). */
  readonly peer?: boolean;
  /** What the answer's content must be, read from its JSON. */
  readonly content?: (body: unknown) => unknown;
}

export interface Timing {
  readonly warmupS: number;
  readonly durationS: number;
}

export function timing(smoke: boolean): Timing {
  if (smoke) return { warmupS: 0, durationS: 0.5 };
  const durationS = Number(process.env.BENCH_DURATION_S ?? 3);
  return { warmupS: Math.min(1, durationS / 2), durationS };
}

async function runHttpSuite(options: BenchOptions): Promise<BenchRow[]> {
  const servers = new ServerSet();
  const checks = new Checks();
  const rows: BenchRow[] = [];
  try {
    await asLoadGenerator(async () => {
      const targets = await startTargets(servers, rows);
      await probe(targets, checks, rows);
      const time = timing(options.smoke);
      for (const connections of LEVELS) {
        rows.push(...(await measureLevel(targets, connections, time, checks)));
      }
      rows.push(...(await measureInvalid(targets, time, checks)));
    });
  } finally {
    await servers.closeAll();
  }
  checks.settle(SUITE, options.smoke);
  return rows;
}

interface Targets {
  readonly baselineJson: Target;
  readonly baselineMultipart: Target;
  /** A trivial tRPC mutation on AgentOS's own stack: what the framework alone costs. */
  readonly trpcFloor: Target;
  /** In measuring order: each right after its baseline. */
  readonly ours: Target[];
  readonly mastra: Target | undefined;
  readonly invalid: Target[];
}

const trpcContent = (body: unknown) =>
  (body as [{ result?: { data?: { json?: { content?: unknown } } } }])[0]?.result?.data?.json
    ?.content;
const restContent = (body: unknown) => (body as { content?: unknown }).content;

async function startTargets(servers: ServerSet, rows: BenchRow[]): Promise<Targets> {
  const baseline = await servers.baseline('ok');
  const memory = await servers.agentmint('memory', 'ok');
  const rest = await restRunRequest({ stream: false });
  const trpc = (await captureTRPCRun(memory.url)).request;
  const badRest = await restRunRequest({
    stream: false,
    factoryInput: BAD_FACTORY_INPUT,
    expectStatus: 400,
  });
  const badTrpc = (
    await captureTRPCRun(memory.url, { factoryInput: BAD_FACTORY_INPUT, expectStatus: 400 })
  ).request;
  const baselineJson: Target = {
    label: 'baseline (JSON body)',
    server: baseline,
    request: trpc,
    encoding: 'json',
    content: trpcContent,
  };
  const baselineMultipart: Target = {
    label: 'baseline (multipart body)',
    server: baseline,
    request: rest,
    encoding: 'multipart',
    content: restContent,
  };
  const forDb = (server: ChildServer, db: DbKind): Target[] => [
    {
      label: `tRPC run, ${DB_LABEL[db]}`,
      server,
      request: trpc,
      encoding: 'json',
      content: trpcContent,
    },
    {
      label: `REST run, ${DB_LABEL[db]}`,
      server,
      request: rest,
      encoding: 'multipart',
      content: restContent,
    },
  ];
  const ours = forDb(memory, 'memory');
  ours.push(...forDb(await servers.agentmint('sqlite', 'ok'), 'sqlite'));
  const postgres = await servers.agentmintPostgres('ok');
  if (typeof postgres === 'string') rows.push(skipped('PostgresDb', postgres));
  else ours.push(...forDb(postgres, 'postgres'));

  const started = await servers.mastra('ok');
  let mastra: Target | undefined;
  let mastraInvalid: Target | undefined;
  if (typeof started === 'string') {
    rows.push(skipped('Mastra', started));
  } else {
    mastra = {
      label: 'Mastra generate',
      server: started,
      request: mastraRequest({ persona: 'skeptic', depth: 5 }, 200),
      encoding: 'json',
      peer: true,
      content: (body) => (body as { text?: unknown }).text,
    };
    mastraInvalid = {
      label: 'Mastra, invalid context (500)',
      server: started,
      request: mastraRequest(BAD_FACTORY_INPUT, 500),
      encoding: 'json',
      peer: true,
    };
  }
  const invalid: Target[] = [
    {
      label: 'baseline, invalid input (400)',
      server: baseline,
      request: badTrpc,
      encoding: 'json',
    },
    { label: 'tRPC run, invalid input (400)', server: memory, request: badTrpc, encoding: 'json' },
    {
      label: 'baseline, invalid input (400)',
      server: baseline,
      request: badRest,
      encoding: 'multipart',
    },
    {
      label: 'REST run, invalid input (400)',
      server: memory,
      request: badRest,
      encoding: 'multipart',
    },
    ...(mastraInvalid ? [mastraInvalid] : []),
  ];
  const trpcFloor: Target = {
    label: 'tRPC floor (trivial mutation, same stack)',
    server: await servers.trpcFloor(),
    request: trpc,
    encoding: 'json',
    content: trpcContent,
  };
  return { baselineJson, baselineMultipart, trpcFloor, ours, mastra, invalid };
}

/** peers.md's request: the persona and depth travel in the request context. */
function mastraRequest(context: object, expectStatus: number): LoadRequest {
  return {
    method: 'POST',
    path: '/api/agents/research-agent/generate',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ messages: 'hi', requestContext: { userId: 'u1', ...context } }),
    expectStatus,
  };
}

function skipped(name: string, why: string): BenchRow {
  return { suite: SUITE, name: `${name} (not measured)`, value: 0, unit: '', note: why };
}

/** One request to each target before any load: right status, answer "ok", body size. */
async function probe(targets: Targets, checks: Checks, rows: BenchRow[]): Promise<void> {
  const all = [
    targets.baselineJson,
    targets.trpcFloor,
    targets.baselineMultipart,
    ...targets.ours,
    ...(targets.mastra ? [targets.mastra] : []),
  ];
  const sizes: string[] = [];
  for (const target of all) {
    const { request } = target;
    const response = await fetch(new URL(request.path, target.server.url), {
      method: request.method,
      headers: request.headers,
      ...(request.body !== undefined && { body: new Uint8Array(Buffer.from(request.body)) }),
    });
    const text = await response.text();
    const content = target.content?.(JSON.parse(text));
    const ok = response.status === request.expectStatus && content === 'ok';
    if (target.peer && !ok)
      rows.push(skipped(target.label, `probe answered ${response.status}: ${text.slice(0, 120)}`));
    else
      checks.expect(
        ok,
        `${target.label}: probe answered ${response.status}: ${text.slice(0, 200)}`,
      );
    sizes.push(`${target.label} ${text.length} B`);
  }
  rows.push({ suite: SUITE, name: 'response bodies', value: 0, unit: '', note: sizes.join('; ') });
}

export interface Measured {
  readonly result: LoadResult;
  /** Server CPU time (user + system) over the measured run ÷ responses. */
  readonly cpuPerRequestUs: number;
  /** The server's heap right after the run, without a GC (InMemoryDb keeps every run). */
  readonly heapUsed: number;
}

export async function measure(
  target: Target,
  connections: number,
  time: Timing,
): Promise<Measured> {
  let cpuBefore = 0;
  const result = await runLoad(
    target.server.url,
    target.request,
    { connections, ...time },
    async () => {
      cpuBefore = (await target.server.stats({ gc: false })).cpuMicros;
    },
  );
  const after = await target.server.stats({ gc: false });
  return {
    result,
    cpuPerRequestUs: (after.cpuMicros - cpuBefore) / Math.max(1, result.responses),
    heapUsed: after.heapUsed,
  };
}

function row(
  name: string,
  target: Target,
  measured: Measured,
  baseline: number | undefined,
  checks: Checks,
): BenchRow {
  const { result } = measured;
  const wrong = result.unexpected + result.errors;
  const what = `${name}: ${result.unexpected} responses not ${target.request.expectStatus} (${JSON.stringify(result.statuses)}), ${result.errors} errors`;
  const verdict = target.peer
    ? wrong === 0
      ? 'ok'
      : `peer: ${what}`
    : // A smoke load (under 1 s) on a busy CI box may end before a slow store answers; the probe
      // above has already checked that every target answers right, so only wrong answers fail it.
      checks.expect(wrong === 0 && (result.responses > 0 || result.durationS < 1), what);
  const status =
    target.request.expectStatus === 200
      ? `non-2xx ${result.unexpected}`
      : `not ${target.request.expectStatus}: ${result.unexpected}`;
  return {
    suite: SUITE,
    name,
    value: result.requestsPerSecond,
    unit: 'req/s',
    ...(baseline !== undefined && { ratio: result.requestsPerSecond / baseline }),
    serverCpuUs: measured.cpuPerRequestUs,
    note: `p50 ${ms(result.p50Ms)}, p99 ${ms(result.p99Ms)}, ${status}, server CPU ${Math.round(measured.cpuPerRequestUs)} µs/req, heap ${Math.round(measured.heapUsed / 1048576)} MiB${verdict === 'ok' ? '' : `, ${verdict}`}`,
  };
}

async function measureLevel(
  targets: Targets,
  connections: number,
  time: Timing,
  checks: Checks,
): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const baselines: Record<Encoding, number> = { json: 0, multipart: 0 };
  const ours = new Map<string, number>();
  let floor = 0;
  const at = `c=${connections}`;
  const order: Target[] = [];
  for (const target of targets.ours) {
    if (target.label.endsWith('InMemoryDb')) {
      if (target.encoding === 'json') order.push(targets.baselineJson, targets.trpcFloor);
      else order.push(targets.baselineMultipart);
    }
    order.push(target);
    if (target.label === 'REST run, InMemoryDb' && targets.mastra) order.push(targets.mastra);
  }
  for (const target of order) {
    const measured = await measure(target, connections, time);
    const isBaseline = target === targets.baselineJson || target === targets.baselineMultipart;
    if (isBaseline) baselines[target.encoding] = measured.result.requestsPerSecond;
    else ours.set(target.label, measured.result.requestsPerSecond);
    if (target === targets.trpcFloor) floor = measured.result.requestsPerSecond;
    rows.push(
      row(
        `${at} ${target.label}`,
        target,
        measured,
        isBaseline ? undefined : baselines[target.encoding],
        checks,
      ),
    );
  }
  const trpcRun = ours.get('tRPC run, InMemoryDb');
  if (floor > 0 && trpcRun !== undefined) {
    rows.push({
      suite: SUITE,
      name: `${at} tRPC run, InMemoryDb vs tRPC floor`,
      value: trpcRun / floor,
      unit: 'x',
      note: 'AgentOS run req/s ÷ the trivial mutation on the same stack: our share of the gap',
    });
  }
  const mastra = targets.mastra ? ours.get(targets.mastra.label) : undefined;
  if (mastra) {
    for (const label of ['tRPC run, InMemoryDb', 'REST run, InMemoryDb']) {
      const value = (ours.get(label) ?? 0) / mastra;
      rows.push({
        suite: SUITE,
        name: `${at} ${label} vs Mastra`,
        value,
        unit: 'x',
        note: 'our req/s ÷ Mastra req/s, goal >= 3x',
      });
    }
  }
  return rows;
}

async function measureInvalid(targets: Targets, time: Timing, checks: Checks): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const baselines: Record<Encoding, number> = { json: 0, multipart: 0 };
  const values = new Map<string, number>();
  for (const target of targets.invalid) {
    const measured = await measure(target, INVALID_LEVEL, time);
    const isBaseline = target.label.startsWith('baseline');
    if (isBaseline) baselines[target.encoding] = measured.result.requestsPerSecond;
    values.set(target.label, measured.result.requestsPerSecond);
    const label = isBaseline ? `${target.label}, ${target.encoding} body` : target.label;
    rows.push(
      row(
        `c=${INVALID_LEVEL} ${label}`,
        target,
        measured,
        isBaseline || target.peer ? undefined : baselines[target.encoding],
        checks,
      ),
    );
  }
  const mastra = targets.invalid.find((t) => t.peer);
  const theirs = mastra ? values.get(mastra.label) : undefined;
  if (theirs) {
    for (const label of ['tRPC run, invalid input (400)', 'REST run, invalid input (400)']) {
      rows.push({
        suite: SUITE,
        name: `c=${INVALID_LEVEL} ${label} vs Mastra (500)`,
        value: (values.get(label) ?? 0) / theirs,
        unit: 'x',
        note: 'our 400 req/s ÷ Mastra 500 req/s',
      });
    }
  }
  return rows;
}
