import type {
  AgentResolveInfo,
  Instrumentation,
  ResolvedAgent,
  RunEvent,
  RunObservation,
  RunObserver,
  Store,
} from '@agentmint/core';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { storeErrorCounter } from './storeErrorCounter.ts';

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/**
 * AgentMint's Prometheus metrics (prom-client): runs started and finished by agent and status,
 * factory resolve time, model latency and tokens, tool calls, open streams, active runs and store
 * errors. Labels are agent ids, model names, tool names and statuses: bounded by your code, never
 * by user input.
 */
export class AgentOSMetrics implements Instrumentation {
  readonly registry: Registry;
  readonly runsStarted: Counter<'agent_id'>;
  readonly runsFinished: Counter<'agent_id' | 'status'>;
  readonly factoryResolve: Histogram<'agent_id' | 'outcome'>;
  readonly modelLatency: Histogram<'agent_id' | 'model' | 'outcome'>;
  readonly modelTokens: Counter<'agent_id' | 'model' | 'type'>;
  readonly toolCalls: Counter<'agent_id' | 'tool' | 'outcome'>;
  readonly openStreams: Gauge;
  readonly storeErrors: Counter<'operation'>;

  constructor(options: { registry?: Registry | undefined; activeRuns: () => number }) {
    this.registry = options.registry ?? new Registry();
    const registers = [this.registry];
    this.runsStarted = new Counter({
      name: 'agentmint_runs_started_total',
      help: 'Runs started (and continued after a pause), by agent.',
      labelNames: ['agent_id'],
      registers,
    });
    this.runsFinished = new Counter({
      name: 'agentmint_runs_finished_total',
      help: 'Runs ended, by agent and status (COMPLETED, ERROR, CANCELLED; PAUSED until continued).',
      labelNames: ['agent_id', 'status'],
      registers,
    });
    this.factoryResolve = new Histogram({
      name: 'agentmint_factory_resolve_duration_seconds',
      help: 'Time to validate the factory input and build the agent, by agent and outcome.',
      labelNames: ['agent_id', 'outcome'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.modelLatency = new Histogram({
      name: 'agentmint_model_request_duration_seconds',
      help: 'Model call latency (request to last token), by agent, model and outcome.',
      labelNames: ['agent_id', 'model', 'outcome'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.modelTokens = new Counter({
      name: 'agentmint_model_tokens_total',
      help: 'Tokens the model reported, by agent, model and type (input, output).',
      labelNames: ['agent_id', 'model', 'type'],
      registers,
    });
    this.toolCalls = new Counter({
      name: 'agentmint_tool_calls_total',
      help: 'Tool calls, by agent, tool and outcome (ok, error).',
      labelNames: ['agent_id', 'tool', 'outcome'],
      registers,
    });
    this.openStreams = new Gauge({
      name: 'agentmint_open_streams',
      help: 'Server-sent event streams open now (REST and tRPC).',
      registers,
    });
    const activeRuns = options.activeRuns;
    new Gauge({
      name: 'agentmint_active_runs',
      help: 'Runs executing in this process now.',
      registers,
      collect() {
        this.set(activeRuns());
      },
    });
    this.storeErrors = new Counter({
      name: 'agentmint_store_errors_total',
      help: 'Failed store calls made by runs, by operation.',
      labelNames: ['operation'],
      registers,
    });
  }

  /** A factory's resolve is timed; a plain agent's is not. */
  wrapsResolve(info: AgentResolveInfo): boolean {
    return info.isFactory;
  }

  async resolveAgent(
    info: AgentResolveInfo,
    resolve: () => Promise<ResolvedAgent>,
  ): Promise<ResolvedAgent> {
    if (!info.isFactory) return resolve();
    const stop = this.factoryResolve.startTimer({ agent_id: info.agentId });
    try {
      const resolved = await resolve();
      stop({ outcome: 'ok' });
      return resolved;
    } catch (error) {
      stop({ outcome: 'error' });
      throw error;
    }
  }

  observeRun(observation: RunObservation): RunObserver {
    return new RunMetrics(this, observation.ids.agentId);
  }

  /** The Prometheus text exposition of every metric in the registry. */
  exposition(): Promise<string> {
    return this.registry.metrics();
  }
}

/** One run's contribution to the metrics, from its events. */
class RunMetrics implements RunObserver {
  readonly #metrics: AgentOSMetrics;
  readonly #agentId: string;
  #model = '';
  #modelStarted = 0;

  constructor(metrics: AgentOSMetrics, agentId: string) {
    this.#metrics = metrics;
    this.#agentId = agentId;
  }

  onEvent(event: RunEvent): void {
    const metrics = this.#metrics;
    const agent_id = this.#agentId;
    switch (event.event) {
      case 'RunStarted':
      // A continue goes on with the same run: counted as started again, as its pause was finished.
      case 'RunContinued':
        metrics.runsStarted.inc({ agent_id });
        return;
      case 'RunPaused':
        metrics.runsFinished.inc({ agent_id, status: 'PAUSED' });
        return;
      case 'ModelRequestStarted':
        this.#model = event.model;
        this.#modelStarted = performance.now();
        return;
      case 'ModelRequestCompleted': {
        const model = this.#model;
        this.#observeModel('ok');
        metrics.modelTokens.inc({ agent_id, model, type: 'input' }, event.inputTokens);
        metrics.modelTokens.inc({ agent_id, model, type: 'output' }, event.outputTokens);
        return;
      }
      case 'ToolCallCompleted':
      case 'ToolCallError':
        metrics.toolCalls.inc({
          agent_id,
          tool: event.tool.toolName,
          outcome: event.event === 'ToolCallError' ? 'error' : 'ok',
        });
        return;
      case 'RunCompleted':
      case 'RunError':
      case 'RunCancelled': {
        const status =
          event.event === 'RunCompleted'
            ? 'COMPLETED'
            : event.event === 'RunError'
              ? 'ERROR'
              : 'CANCELLED';
        // A model call still open when the run ended failed (or was cut short by a cancel).
        if (this.#modelStarted !== 0)
          this.#observeModel(status === 'ERROR' ? 'error' : 'cancelled');
        metrics.runsFinished.inc({ agent_id, status });
        return;
      }
      default:
        return;
    }
  }

  onStartFailed(): void {
    // Counted as started and failed, so started minus finished stays the number of live runs.
    this.#metrics.runsStarted.inc({ agent_id: this.#agentId });
    this.#metrics.runsFinished.inc({ agent_id: this.#agentId, status: 'ERROR' });
  }

  wrapStore(store: Store): Store {
    return storeErrorCounter(store, this.#metrics.storeErrors);
  }

  #observeModel(outcome: string): void {
    const seconds = (performance.now() - this.#modelStarted) / 1000;
    this.#metrics.modelLatency.observe(
      { agent_id: this.#agentId, model: this.#model, outcome },
      seconds,
    );
    this.#modelStarted = 0;
  }
}
