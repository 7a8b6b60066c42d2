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
}
