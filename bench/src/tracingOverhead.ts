import { ServerSet } from './http/benchServers.ts';
import { Checks, ms } from './http/checks.ts';
import { asLoadGenerator, type ChildServer } from './http/childServer.ts';
import { restRunRequest } from './http/requests.ts';
import { type Measured, measure, type Target, timing } from './httpRuns.ts';
import type { BenchTracing } from './servers/benchTracing.ts';
import type { BenchOptions, BenchRow, BenchSuite } from './suite.ts';

/**
 * What tracing costs a REST run on InMemoryDb (zero-latency model, keep-alive load): tracing off,
 * on with no SDK registered (the default), and on with the SDK recording every span into an
 * in-memory exporter through a batch processor. Per level, `BENCH_TRACING_ROUNDS` rounds (default
 * 2) of off → no SDK → SDK, closed by a last "off": each mode's ratio divides its throughput by
 * the mean of the "off" runs just before and after it, and the row gives the median over rounds
 * (drift on a shared box hits both sides). Server CPU per request is compared the same way.
 * Goal: the SDK row >= 0.90x.
 */
export const tracingOverheadSuite: BenchSuite = { name: 'tracing', run: runTracingSuite };

const SUITE = 'tracing';
const LEVELS = [1, 16] as const;
const MODES: readonly BenchTracing[] = ['off', 'api', 'sdk'];
const LABEL: Record<BenchTracing, string> = {
  off: 'tracing off',
  api: 'tracing on, no SDK (default)',
  sdk: 'tracing on, SDK + in-memory exporter',
};

function rounds(smoke: boolean): number {
  if (smoke) return 1;
  const value = Number(process.env.BENCH_TRACING_ROUNDS ?? 2);
  return Number.isInteger(value) && value >= 1 ? value : 2;
}

async function runTracingSuite(options: BenchOptions): Promise<BenchRow[]> {
  const servers = new ServerSet();
  const checks = new Checks();
  const rows: BenchRow[] = [];
  try {
    await asLoadGenerator(async () => {
      const request = await restRunRequest({ stream: false });
      const started = new Map<BenchTracing, ChildServer>();
      for (const mode of MODES) {
        started.set(mode, await servers.agentmint('memory', 'ok', { BENCH_TRACING: mode }));
      }
      const time = timing(options.smoke);
      const count = rounds(options.smoke);
      for (const connections of LEVELS) {
        const run = async (mode: BenchTracing): Promise<Measured> => {
          const target: Target = {
            label: LABEL[mode],
            server: started.get(mode)!,
            request,
            encoding: 'multipart',
          };
          const measured = await measure(target, connections, time);
          const { result } = measured;
          checks.expect(
            result.unexpected + result.errors === 0,
            `${LABEL[mode]}: ${result.unexpected} wrong statuses, ${result.errors} errors`,
          );
          return measured;
        };
        // off, api, sdk per round, then one more off: every on-run has an off-run on each side.
        const offs: Measured[] = [await run('off')];
        const ons = new Map<BenchTracing, Measured[]>([
          ['api', []],
          ['sdk', []],
        ]);
        for (let round = 0; round < count; round++) {
          for (const mode of ['api', 'sdk'] as const) ons.get(mode)!.push(await run(mode));
          offs.push(await run('off'));
        }
        const describe = (mode: BenchTracing, list: readonly Measured[]) => {
          const last = list.at(-1)!;
          rows.push({
            suite: SUITE,
            name: `c=${connections} REST run, InMemoryDb, ${LABEL[mode]}`,
            value: median(list.map((m) => m.result.requestsPerSecond)),
            unit: 'req/s',
            note: `median of ${list.length}; last: p50 ${ms(last.result.p50Ms)}, p99 ${ms(last.result.p99Ms)}; server CPU ${list.map((m) => Math.round(m.cpuPerRequestUs)).join(', ')} µs/req`,
          });
        };
        describe('off', offs);
        for (const mode of ['api', 'sdk'] as const) {
          const list = ons.get(mode)!;
          describe(mode, list);
          const around = (i: number, of: (m: Measured) => number) =>
            (of(offs[i]!) + of(offs[i + 1]!)) / 2;
          const rps = (m: Measured) => m.result.requestsPerSecond;
          const cpu = (m: Measured) => m.cpuPerRequestUs;
          const throughput = list.map((m, i) => rps(m) / around(i, rps));
          const cpuRatio = list.map((m, i) => cpu(m) / around(i, cpu));
          rows.push({
            suite: SUITE,
            name: `c=${connections} ${LABEL[mode]} vs off`,
            value: median(throughput),
            unit: 'x',
            note: `throughput ÷ the mean of the "off" runs around it, median of ${throughput.map((r) => r.toFixed(2)).join(', ')}; server CPU per request ${median(cpuRatio).toFixed(2)}x off${mode === 'sdk' ? '; goal >= 0.90x' : ''}`,
          });
        }
      }
    });
  } finally {
    await servers.closeAll();
  }
  checks.settle(SUITE, options.smoke);
  return rows;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
