import {
  Agent,
  createServer,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { InMemoryDb, type NewRunRecord } from '@agentmint/core';
import { ROOT_CONTEXT, type Tracer } from '@opentelemetry/api';
import { restRunRequest } from './http/requests.ts';
import { createBenchModel } from './servers/benchModel.ts';
import { createBenchOS } from './servers/benchOS.ts';
import { benchTracerProvider, benchTracing } from './servers/benchTracing.ts';
import { recordFloorSpans } from './servers/floorSpans.ts';

/**
 * Server CPU per REST run, tracing off vs on with the SDK, both AgentOS in ONE process with a
 * keep-alive client, loaded in alternating chunks of `CHUNK` runs (`CHUNKS` each, 16 at a time):
 * box noise that moves over seconds hits both alike, which the HTTP suite's separate processes
 * cannot promise on a shared machine. A bare node:http server answering a run-sized JSON gives the
 * client's own cost, taken off both. Spans the SDK keeps add GC work that the off chunks share too,
 * so this understates the SDK's cost a little, never overstates it. "floor" is the off server with
 * the SDK calls of a run's 4 spans made in its `createRun` (`recordFloorSpans`, into the same kind
 * of provider): what those calls cost inside a server, with no code of AgentMint's around them.
 *
 * `pnpm bench:tracing-in-process` (CHUNKS, CHUNK and C in the environment).
 */
type Mode = 'off' | 'sdk' | 'floor' | 'bare';
const MODES: readonly Mode[] = ['off', 'sdk', 'floor', 'bare'];
const concurrency = Number(process.env.C ?? 16);
const chunkRuns = Number(process.env.CHUNK ?? 200);
const chunks = Number(process.env.CHUNKS ?? 30);

interface Target {
  readonly mode: Mode;
  readonly port: number;
  readonly agent: Agent;
  readonly close: () => Promise<void>;
  cpuMicros: number;
  runs: number;
}

/** InMemoryDb recording a run's 4 spans at each `createRun` (once per run). */
class FloorSpansDb extends InMemoryDb {
  readonly #tracer: Tracer;

  constructor(tracer: Tracer) {
    super({ id: 'bench' });
    this.#tracer = tracer;
  }

  override createRun(run: NewRunRecord): Promise<void> {
    recordFloorSpans(this.#tracer, ROOT_CONTEXT);
    return super.createRun(run);
  }
}

const runRequest = await restRunRequest({ stream: false });
const targets: Target[] = [];
for (const mode of MODES) targets.push(await start(mode));

async function start(mode: Mode): Promise<Target> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  if (mode === 'bare') {
    const server = createServer(answerLikeARun);
    const port = await listen(server);
    return { mode, port, agent, close: async () => void server.close(), cpuMicros: 0, runs: 0 };
  }
  const os =
    mode === 'floor'
      ? createBenchOS(
          new FloorSpansDb(benchTracerProvider().getTracer('floor')),
          createBenchModel('ok'),
          {
            tracing: false,
          },
        )
      : createBenchOS(new InMemoryDb({ id: 'bench' }), createBenchModel('ok'), benchTracing(mode));
  const handle = await os.serve({ port: 0, hostname: '127.0.0.1' });
  const port = Number(new URL(handle.url).port);
  return { mode, port, agent, close: () => handle.close({ graceMs: 100 }), cpuMicros: 0, runs: 0 };
}

const RUN_JSON = JSON.stringify({ run_id: 'r'.repeat(36), content: 'ok', pad: 'x'.repeat(600) });

function answerLikeARun(req: IncomingMessage, res: ServerResponse): void {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(RUN_JSON);
  });
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

function oneRun(target: Target): Promise<void> {
  const { body, headers, path } = runRequest;
  return new Promise((resolve, reject) => {
    const sent = request(
      {
        host: '127.0.0.1',
        port: target.port,
        method: 'POST',
        path,
        agent: target.agent,
        headers: { ...headers, 'content-length': body?.length ?? 0 },
      },
      (response) => {
        if (response.statusCode !== 200)
          reject(new Error(`${target.mode}: ${response.statusCode}`));
        response.resume();
        response.on('end', resolve);
      },
    );
    sent.on('error', reject);
    sent.end(body);
  });
}

/** Runs `runs` requests 16 at a time; returns the process's CPU time over them. */
async function chunk(target: Target, runs: number): Promise<number> {
  let next = 0;
  const before = process.cpuUsage();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < runs) await oneRun(target);
    }),
  );
  const used = process.cpuUsage(before);
  return used.user + used.system;
}

for (const target of targets) await chunk(target, 1_000); // warm-up
for (let i = 0; i < chunks; i++) {
  for (const target of i % 2 === 0 ? targets : [...targets].reverse()) {
    target.cpuMicros += await chunk(target, chunkRuns);
    target.runs += chunkRuns;
  }
}
const perRun = (mode: Mode) => {
  const target = targets.find((t) => t.mode === mode)!;
  return target.cpuMicros / target.runs;
};
const client = perRun('bare');
const off = perRun('off') - client;
const sdk = perRun('sdk') - client;
const floor = perRun('floor') - client;
console.log(
  `c=${concurrency}, ${chunks} × ${chunkRuns} runs each: server CPU per run off ${off.toFixed(0)} µs, ` +
    `SDK ${sdk.toFixed(0)} µs (${(sdk / off).toFixed(2)}x, +${(sdk - off).toFixed(0)} µs), ` +
    `floor ${floor.toFixed(0)} µs (+${(floor - off).toFixed(0)} µs); client ${client.toFixed(0)} µs`,
);
for (const target of targets) await target.close();
process.exit(0);
