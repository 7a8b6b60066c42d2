import { CANCEL_P99_GOAL_MS } from './crossInstance.ts';
import type { BenchRow } from './suite.ts';

/** A goal of issue #18 (or #12), judged from the rows of one `pnpm bench` run. */
interface Goal {
  readonly goal: string;
  /** The figure and whether it meets the goal; undefined when its rows were not measured. */
  judge(
    row: (suite: string, name: string) => BenchRow | undefined,
  ): { readonly figure: string; readonly met: boolean } | undefined;
}

export interface GoalResult {
  readonly goal: string;
  readonly figure: string;
  readonly status: 'met' | 'missed' | 'not measured';
}

const x = (value: number) => `${value.toFixed(2)}x`;

/** At least `min` times the bare baseline, read from the row's same-run ratio. */
function ratioAtLeast(suite: string, name: string, min: number): Goal {
  return {
    goal: `${name} >= ${min}x bare node`,
    judge: (row) => {
      const ratio = row(suite, name)?.ratio;
      return ratio === undefined ? undefined : { figure: x(ratio), met: ratio >= min };
    },
  };
}

const GOALS: readonly Goal[] = [
  ratioAtLeast('http', 'c=16 tRPC run, InMemoryDb', 0.5),
  ratioAtLeast('http', 'c=16 REST run, SqliteDb', 0.4),
  {
    goal: 'server CPU per SqliteDb run ÷ InMemoryDb run (REST, c=16) <= 1.5x',
    judge: (row) => {
      const sqlite = row('http', 'c=16 REST run, SqliteDb')?.serverCpuUs;
      const memory = row('http', 'c=16 REST run, InMemoryDb')?.serverCpuUs;
      if (sqlite === undefined || memory === undefined) return undefined;
      return {
        figure: `${x(sqlite / memory)} (${Math.round(sqlite)} ÷ ${Math.round(memory)} µs)`,
        met: sqlite / memory <= 1.5,
      };
    },
  },
  {
    // Round 1 measured ~440 req/s (bench/README.md); a run row before the model call and a
    // terminal row after it, as then. Req/s moves with the machine, so the figure also gives the
    // ratio to this run's bare c=1 server beside round 1's (437 ÷ 6,943 req/s).
    goal: 'c=1 REST run, PostgresDb >= 880 req/s (2x round 1)',
    judge: (row) => {
      const measured = row('http', 'c=1 REST run, PostgresDb');
      if (!measured) return undefined;
      const bare = row('http', 'c=1 baseline (multipart body)')?.value;
      const vsBare = bare
        ? `; ${(measured.value / bare).toFixed(3)}x bare c=1, round 1 0.063x`
        : '';
      return {
        figure: `${Math.round(measured.value)} req/s (${x(measured.value / 440)} of 440${vsBare})`,
        met: measured.value >= 880,
      };
    },
  },
  {
    // Judged against the bare one-GET stream, as in round 2 (the stricter baseline); the figure
    // also gives the ratio to the bare start + watch.
    goal: 'c=16 events/s, tRPC subscription >= 0.4x bare node (one-GET baseline)',
    judge: (row) => {
      const ours = row('streaming', 'c=16 events/s, tRPC subscription');
      const oneGet = row('streaming', 'c=16 events/s, baseline SSE, tRPC framing');
      if (!ours || !oneGet) return undefined;
      const ratio = ours.value / oneGet.value;
      const likeForLike = ours.ratio === undefined ? '' : `; ${x(ours.ratio)} of start + watch`;
      return { figure: `${x(ratio)} of one GET${likeForLike}`, met: ratio >= 0.4 };
    },
  },
  {
    goal: 'heap per open tRPC stream <= 32 KiB',
    judge: (row) => {
      const heap = row('openStreams', 'heap per open stream, tRPC subscription, InMemoryDb');
      return heap && { figure: `${heap.value.toFixed(1)} KiB`, met: heap.value <= 32 };
    },
  },
  {
    // Like for like: the bare server also answers a start POST, then a watch GET (a client's
    // `stream()`); the figure also gives the gap to its one-GET stream (round 1's protocol).
    goal: 'first tRPC SSE event (c=1 p50, start + watch) within 0.3 ms of bare start + watch',
    judge: (row) => {
      const ours = row('streaming', 'c=1 first event p50, tRPC subscription');
      const bare = row(
        'streaming',
        'c=1 first event p50, baseline SSE, tRPC framing, start + watch',
      );
      const oneGet = row('streaming', 'c=1 first event p50, baseline SSE, tRPC framing');
      if (!ours || !bare) return undefined;
      const signed = (delta: number) => `${delta >= 0 ? '+' : ''}${delta.toFixed(2)} ms`;
      const delta = ours.value - bare.value;
      const vsOneGet = oneGet
        ? `; ${signed(ours.value - oneGet.value)} vs one GET (${oneGet.value.toFixed(2)})`
        : '';
      return {
        figure: `${signed(delta)} (${ours.value.toFixed(2)} vs ${bare.value.toFixed(2)})${vsOneGet}`,
        met: delta <= 0.3,
      };
    },
  },
  {
    goal: `cross-instance cancel → model abort p99 <= ${CANCEL_P99_GOAL_MS} ms (issue #12)`,
    judge: (row) => {
      const p99 = row('instances', 'cancel → model abort p99, cancel sent to another instance');
      return p99 && { figure: `${p99.value.toFixed(1)} ms`, met: p99.value <= CANCEL_P99_GOAL_MS };
    },
  },
];

/** Every goal, judged from the rows of this run (a goal whose suite did not run is "not measured"). */
export function judgeGoals(rows: readonly BenchRow[]): GoalResult[] {
  const byKey = new Map(rows.map((r) => [`${r.suite}\u0000${r.name}`, r]));
  const row = (suite: string, name: string) => byKey.get(`${suite}\u0000${name}`);
  return GOALS.map(({ goal, judge }) => {
    const judged = judge(row);
    if (!judged) return { goal, figure: '', status: 'not measured' };
    return { goal, figure: judged.figure, status: judged.met ? 'met' : 'missed' };
  });
}
