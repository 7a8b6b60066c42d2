import { NodeSDK } from '@opentelemetry/sdk-node';

export interface Telemetry {
  readonly description: string;
  /** Flushes spans still buffered, then stops exporting. */
  shutdown(): Promise<void>;
}

/**
 * `OTEL_EXPORTER_OTLP_ENDPOINT` (or its traces-only twin) turns on the OpenTelemetry Node SDK, which
 * reads the standard `OTEL_*` variables itself: `OTEL_EXPORTER_OTLP_PROTOCOL` (`http/protobuf`,
 * `http/json`, `grpc`), `OTEL_SERVICE_NAME`, `OTEL_TRACES_SAMPLER`, headers, batching. Without it
 * nothing is started and AgentMint's spans stay no-ops.
 */
export function telemetryFromEnv(env: NodeJS.ProcessEnv = process.env): Telemetry | undefined {
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!endpoint) return undefined;
  const named = env.OTEL_SERVICE_NAME || env.OTEL_RESOURCE_ATTRIBUTES?.includes('service.name=');
  // Only a default: a name given through the standard variables wins.
  const sdk = new NodeSDK(named ? {} : { serviceName: 'agentmint-server' });
  sdk.start();
  const protocol = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL || env.OTEL_EXPORTER_OTLP_PROTOCOL;
  return {
    description: `OTLP to ${endpoint} (${protocol || 'http/protobuf'})`,
    shutdown: () => sdk.shutdown(),
  };
}
