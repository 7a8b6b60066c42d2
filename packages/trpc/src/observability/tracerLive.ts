import { ProxyTracerProvider, type TracerProvider, trace } from '@opentelemetry/api';

// The API's own no-op provider: what a proxy hands out until an SDK sets a delegate on it.
const NOOP_PROVIDER = new ProxyTracerProvider().getDelegate();

/**
 * Whether spans from `provider` (default: the global one) can be recorded: false only while it is
 * the OpenTelemetry API's proxy with no SDK behind it (the state before `NodeSDK#start()` or
 * `provider.register()`). A few property reads, so it can be asked per request; a provider it does
 * not recognise (another copy of the API, a host's own) counts as live.
 */
export function tracerLive(provider?: TracerProvider): boolean {
  const current = provider ?? trace.getTracerProvider();
  return !(current instanceof ProxyTracerProvider) || current.getDelegate() !== NOOP_PROVIDER;
}
