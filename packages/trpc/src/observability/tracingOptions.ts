import type { TracerProvider } from '@opentelemetry/api';

export interface TracingOptions {
  /**
   * Where spans go. Default: the global provider, which records nothing until the host registers
   * an OpenTelemetry SDK (`NodeSDK#start()`, `provider.register()`), and then everything.
   */
  readonly tracerProvider?: TracerProvider | undefined;
  /**
   * Put the validated factory input on the resolve span as JSON (`agentmint.factory.input`).
   * Default false: only its shape (keys and value types) is recorded, since inputs can hold
   * personal data.
   */
  readonly recordFactoryInput?: boolean | undefined;
  /**
   * A run's store calls get a span (`agentmint.store createRun`, …) when they take at least this
   * many milliseconds, or fail. Default 1: a write that takes microseconds (InMemoryDb, SQLite)
   * would cost less than its span; a database round trip shows. 0 gives every call a span.
   */
  readonly storeSpanMinMs?: number | undefined;
}
