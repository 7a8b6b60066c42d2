/** One row of the printed table: a measured figure beside its same-run baseline. */
export interface BenchRow {
  readonly suite: string;
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** value / baseline value, when the row has a baseline measured in the same run. */
  readonly ratio?: number;
  /** Server CPU time (user + system) per request over the measured run, in µs (http suite). */
  readonly serverCpuUs?: number;
  readonly note?: string;
}

export interface BenchOptions {
  /** Tiny durations for CI: proves the bench still runs, asserts no timing. */
  readonly smoke: boolean;
}

export interface BenchSuite {
  readonly name: string;
  run(options: BenchOptions): Promise<BenchRow[]>;
}
