import { isTerminalRunEvent, type TerminalRunEvent } from './runEvent.ts';
import type { RunErrorInfo, RunRecord, RunResult, Store } from './store.ts';

/** How a run that no process executes any more is ended. */
export type OrphanEnding =
  | { readonly event: 'RunCancelled'; readonly reason: string }
  | { readonly event: 'RunError'; readonly error: RunErrorInfo };

/**
 * Ends a run whose executing process is gone (crashed, lease expired) or unknown: its terminal event
 * goes after its last stored one, with the matching status, in one conditional write. A run whose
 * terminal event was stored already keeps the status it announced. False when the run had ended.
 */
export async function endOrphanRun(
  store: Store,
  run: RunRecord,
  ending: OrphanEnding,
): Promise<boolean> {
  const events = await store.listEvents(run.runId, 0);
  const last = events.at(-1);
  const base = {
    seq: (last?.seq ?? 0) + 1,
    createdAt: Date.now(),
    agentId: run.agentId,
    runId: run.runId,
    sessionId: run.sessionId,
  };
  const terminal: TerminalRunEvent =
    last && isTerminalRunEvent(last)
      ? last
      : ending.event === 'RunCancelled'
        ? { ...base, event: 'RunCancelled', reason: ending.reason }
        : { ...base, event: 'RunError', error: ending.error };
  return store.finishRun(run.runId, resultOf(terminal), terminal);
}

/** The row a terminal event stands for. */
export function resultOf(terminal: TerminalRunEvent): RunResult {
  const base = { content: null, metrics: null, error: null, messages: [], updatedAt: new Date() };
  switch (terminal.event) {
    case 'RunCompleted':
      return { ...base, status: 'COMPLETED', content: terminal.content, metrics: terminal.metrics };
    case 'RunCancelled':
      return { ...base, status: 'CANCELLED' };
    case 'RunError':
      return { ...base, status: 'ERROR', error: terminal.error };
  }
}
