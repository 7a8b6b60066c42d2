import { context, ROOT_CONTEXT } from '@opentelemetry/api';
import { benchTracerProvider } from './servers/benchTracing.ts';
import { recordFloorSpans } from './servers/floorSpans.ts';

/**
 * The SDK's floor for one traced REST run, in a tight loop: the 4 spans of a run on InMemoryDb
 * (`recordFloorSpans`) and the 3 `context.with` a run makes (request, resolve, model call), across
 * a few awaits, with `bench tracing`'s SDK set-up (AsyncLocalStorage context manager, W3C
 * propagator, `BatchSpanProcessor` into an `InMemorySpanExporter` emptied at each export). "plain"
 * does the same awaits untraced; modes alternate in chunks of `CHUNK` runs (`C` at a time,
 * `CHUNKS` each) in one process. Hot code and a small heap: a server pays several times this for
 * the same calls (`bench:tracing-in-process` has them inside the "off" server as its floor mode).
 *
 * `pnpm --filter @agentmint/bench bench:tracing-floor`.
 */
const concurrency = Number(process.env.C ?? 16);
const chunkRuns = Number(process.env.CHUNK ?? 2_000);
const chunks = Number(process.env.CHUNKS ?? 20);

const provider = benchTracerProvider();
const tracer = provider.getTracer('@agentmint/trpc');

/** One await, standing in for body parsing, a store write or the model's answer. */
const tick = () => Promise.resolve();

async function plainRun(): Promise<void> {
  for (let i = 0; i < 5; i++) await tick();
}

async function tracedRun(): Promise<void> {
  await context.with(ROOT_CONTEXT, async () => {
    await context.with(ROOT_CONTEXT, tick);
    await tick();
    recordFloorSpans(tracer, ROOT_CONTEXT);
    await context.with(ROOT_CONTEXT, tick);
    await tick();
  });
}

type Mode = 'plain' | 'sdk';
const modes: Record<Mode, () => Promise<void>> = { plain: plainRun, sdk: tracedRun };
const used: Record<Mode, number> = { plain: 0, sdk: 0 };

async function chunk(run: () => Promise<void>, runs: number): Promise<number> {
  let next = 0;
  const before = process.cpuUsage();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < runs) await run();
    }),
  );
  const cpu = process.cpuUsage(before);
  return cpu.user + cpu.system;
}

for (const mode of ['plain', 'sdk'] as const) await chunk(modes[mode], 20_000); // warm-up
for (let i = 0; i < chunks; i++) {
  const order: Mode[] = i % 2 === 0 ? ['plain', 'sdk'] : ['sdk', 'plain'];
  for (const mode of order) used[mode] += await chunk(modes[mode], chunkRuns);
}
const perRun = (mode: Mode) => used[mode] / (chunks * chunkRuns);
console.log(
  `c=${concurrency}, ${chunks} × ${chunkRuns} runs each: CPU per run plain ${perRun('plain').toFixed(1)} µs, ` +
    `SDK ${perRun('sdk').toFixed(1)} µs: the SDK floor is +${(perRun('sdk') - perRun('plain')).toFixed(1)} µs per run`,
);
await provider.shutdown();
