import { crossInstanceSuite } from './crossInstance.ts';
import { factoryResolveSuite } from './factoryResolve.ts';
import { httpRunsSuite } from './httpRuns.ts';
import { openStreamsSuite } from './openStreams.ts';
import { persistenceSuite } from './persistence.ts';
import { streamingSuite } from './streaming.ts';
import type { BenchSuite } from './suite.ts';
import { tracingOverheadSuite } from './tracingOverhead.ts';
import { typecheckCostSuite } from './typecheckCost.ts';

/** Every suite `pnpm bench` runs, in order; `pnpm bench <name>` runs one. */
export const suites: BenchSuite[] = [
  factoryResolveSuite,
  httpRunsSuite,
  streamingSuite,
  openStreamsSuite,
  persistenceSuite,
  tracingOverheadSuite,
  crossInstanceSuite,
  typecheckCostSuite,
];
