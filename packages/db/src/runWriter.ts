import type { NewRunRecord, RunEvent, RunResult } from '@agentmint/core';

/**
 * The three writes the runtime makes on every run, each tuned per dialect: the store's hot path.
 * Semantics are `Store`'s: createRun also creates the session, appendEvents ignores a repeated
 * (runId, seq), finishRun replaces the run's messages and touches the session, atomically.
 */
export interface RunWriter {
  createRun(run: NewRunRecord): Promise<void>;
  appendEvents(runId: string, events: readonly RunEvent[]): Promise<void>;
  finishRun(runId: string, result: RunResult): Promise<void>;
}
