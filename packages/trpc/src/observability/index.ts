export { AgentOSMetrics } from './agentOSMetrics.ts';
export type { ObservabilityOptions } from './agentOSObservability.ts';
export { AgentOSObservability } from './agentOSObservability.ts';
export { AgentOSTracing, TRACER_NAME } from './agentOSTracing.ts';
export { combineInstrumentations } from './combineInstrumentations.ts';
export type { MetricsOptions } from './metricsOptions.ts';
export type { TracingOptions } from './tracingOptions.ts';
