import { ServerSet } from './http/benchServers.ts';
import { Checks, ms } from './http/checks.ts';
import { asLoadGenerator, type ChildServer } from './http/childServer.ts';
import { restRunRequest } from './http/requests.ts';
import { measure, type Target, timing } from './httpRuns.ts';
import type { BenchTracing } from './servers/benchTracing.ts';
import type { BenchOptions, BenchRow, BenchSuite } from './suite.ts';

/**
 * What tracing costs a REST run on InMemoryDb (zero-latency model, keep-alive load): tracing off,
 * on with no SDK registered (the default), and on with the SDK recording every span into an
 * in-memory exporter through a batch processor. Ratios are to "off", measured in the same run,
 * alternating off and on so drift hits both. Goal: the SDK row >= 0.90x.
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
      for (const connections of LEVELS) {
        // off, api, sdk, then off again: the first and last "off" bracket drift during the level.
        const order: BenchTracing[] = [...MODES, 'off'];
        const perSecond = new Map<BenchTracing, number[]>();
        for (const mode of order) {
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
          perSecond.set(mode, [...(perSecond.get(mode) ?? []), result.requestsPerSecond]);
          if (mode === 'off' && perSecond.get('off')!.length > 1) continue;
          rows.push({
            suite: SUITE,
            name: `c=${connections} REST run, InMemoryDb, ${LABEL[mode]}`,
            value: result.requestsPerSecond,
            unit: 'req/s',
            note: `p50 ${ms(result.p50Ms)}, p99 ${ms(result.p99Ms)}, server CPU ${Math.round(measured.cpuPerRequestUs)} µs/req`,
          });
        }
        const offs = perSecond.get('off') ?? [];
        const off = offs.reduce((a, b) => a + b, 0) / Math.max(1, offs.length);
        for (const mode of ['api', 'sdk'] as const) {
          rows.push({
            suite: SUITE,
            name: `c=${connections} ${LABEL[mode]} vs off`,
            value: (perSecond.get(mode)?.[0] ?? 0) / off,
            unit: 'x',
            note: `÷ the mean of the two "off" runs around it (${offs.map(Math.round).join(', ')} req/s)${mode === 'sdk' ? '; goal >= 0.90x' : ''}`,
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
