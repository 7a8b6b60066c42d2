import type {
  AgentResolveInfo,
  Instrumentation,
  ResolvedAgent,
  RunEvent,
  RunObservation,
  RunObserver,
} from '@agentmint/core';
import type { Logger as Pino } from 'pino';

/**
 * One log line per run start and one per run end, with run, session, agent and user ids, the
 * model, status, error code, duration and tokens; never the message, answer or factory input.
 */
export function runLog(log: Pino): Instrumentation {
  return {
    resolveAgent: (_info: AgentResolveInfo, resolve: () => Promise<ResolvedAgent>) => resolve(),
    observeRun(observation: RunObservation): RunObserver {
      const { ids, model } = observation;
      const fields = {
        runId: ids.runId,
        sessionId: ids.sessionId,
        agentId: ids.agentId,
        userId: ids.userId,
        model: model.id,
      };
      const started = performance.now();
      const durationMs = () => Math.round(performance.now() - started);
      return {
        onEvent(event: RunEvent) {
          switch (event.event) {
            case 'RunStarted':
              log.info(fields, 'run started');
              return;
            case 'RunCompleted':
              log.info(
                {
                  ...fields,
                  status: 'COMPLETED',
                  durationMs: durationMs(),
                  inputTokens: event.metrics.inputTokens,
                  outputTokens: event.metrics.outputTokens,
                },
                'run finished',
              );
              return;
            case 'RunError':
              log.warn(
                { ...fields, status: 'ERROR', code: event.error.code, durationMs: durationMs() },
                'run finished',
              );
              return;
            case 'RunCancelled':
              log.info(
                { ...fields, status: 'CANCELLED', durationMs: durationMs() },
                'run finished',
              );
              return;
            default:
              return;
          }
        },
        onStartFailed() {
          log.warn({ ...fields, status: 'ERROR', durationMs: durationMs() }, 'run not started');
        },
      };
    },
  };
}
