import type { Model } from '@agentmint/core';
import { ScriptedModel } from '@agentmint/testing';

/**
 * How the zero-latency model behaves in a bench server (`BENCH_MODEL`):
 * - `ok`: answers "ok" at once, records nothing (non-streaming throughput);
 * - `stream200`: streams a 1,000-character answer as 200 deltas, no delay (events/s, first event);
 * - `slow20`: 20 deltas `BENCH_SLOW_DELAY_MS` apart (default 250 ms: 1,000 streams take a few
 *   seconds to open on a busy 2-core box, and they must all be open at once to weigh one).
 */
export type BenchModelMode = 'ok' | 'stream200' | 'slow20';

export const STREAM_DELTAS = 200;
export const SLOW_DELTAS = 20;
/** Default spacing of the slow model's deltas; the bench may pass another in BENCH_SLOW_DELAY_MS. */
export const SLOW_DELAY_MS = 250;

export function slowDelayMs(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.BENCH_SLOW_DELAY_MS ?? SLOW_DELAY_MS);
  return Number.isFinite(value) && value >= 0 ? value : SLOW_DELAY_MS;
}
/** Events of one streamed run: RunStarted, ModelRequestStarted, the deltas, 3 closing events. */
export const eventsPerRun = (deltas: number): number => deltas + 5;

const STREAM_TEXT = 'lorem ipsum '.repeat(100).slice(0, 1000);

export function benchModelMode(env: NodeJS.ProcessEnv = process.env): BenchModelMode {
  const mode = env.BENCH_MODEL ?? 'ok';
  if (mode === 'ok' || mode === 'stream200' || mode === 'slow20') return mode;
  throw new Error(`BENCH_MODEL must be ok, stream200 or slow20, got '${mode}'`);
}

/** One model instance per server: zero latency, never records requests. */
export function createBenchModel(mode: BenchModelMode): Model {
  switch (mode) {
    case 'ok':
      return new ScriptedModel({ fallback: 'ok' });
    case 'stream200':
      return new ScriptedModel({
        fallback: { text: STREAM_TEXT, deltas: STREAM_DELTAS },
        record: false,
      });
    case 'slow20':
      return new ScriptedModel({
        fallback: { text: STREAM_TEXT.slice(0, 200), deltas: SLOW_DELTAS, delayMs: slowDelayMs() },
        record: false,
      });
  }
}
