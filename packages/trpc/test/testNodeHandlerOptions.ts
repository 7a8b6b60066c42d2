/** The node tRPC handler's options that handler-level tests share: small limits, a silent logger. */
export const testNodeHandlerOptions = {
  endpoint: '/trpc',
  maxBodyBytes: 1 << 20,
  maxBatchSize: 10,
  sseReconnectMs: 500,
  logger: { debug() {}, info() {}, warn() {}, error() {} },
} as const;
