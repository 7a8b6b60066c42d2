import type {
  NewRunRecord,
  PausedRunResult,
  RunEvent,
  RunPausedEvent,
  RunResult,
  TerminalRunEvent,
} from '@agentmint/core';
import type { ForkWrite } from './sessionFork.ts';

/**
 * The three writes the runtime makes on every run, each tuned per dialect: the store's hot path.
 * Semantics are `Store`'s: createRun also creates the session, appendEvents ignores a repeated
 * (runId, seq), finishRun — only while the run has not ended — sets the final row, stores its
 * messages and terminal event and touches the session, atomically, and says whether it won.
 */
export interface RunWriter {
  createRun(run: NewRunRecord): Promise<void>;
  appendEvents(runId: string, events: readonly RunEvent[]): Promise<void>;
  finishRun(runId: string, result: RunResult, terminalEvent: TerminalRunEvent): Promise<boolean>;
  /** Like finishRun, but RUNNING → PAUSED with the pending calls, dropping the lease (rare path). */
  pauseRun(runId: string, result: PausedRunResult, event: RunPausedEvent): Promise<boolean>;
  /**
   * A session fork: the new session and copies of the runs, events and messages, all in one
   * transaction that nothing else interleaves with. False (nothing written) when the id is taken.
   */
  forkSession(fork: ForkWrite): Promise<boolean>;
}
