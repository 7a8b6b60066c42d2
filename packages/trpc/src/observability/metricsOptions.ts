import type { Registry } from 'prom-client';

export interface MetricsOptions {
  /**
   * Require `Authorization: Bearer <token>` on the metrics route (401 otherwise). Separate from
   * the JWT auth of the API: a scraper holds this token, not a user's JWT.
   */
  readonly token?: string | undefined;
  /** Where the metrics are served. Default `/metrics`. */
  readonly path?: string | undefined;
  /**
   * A prom-client registry to add AgentMint's metrics to, e.g. one that also holds your process
   * metrics (`collectDefaultMetrics({ register })`). Default: a registry of its own.
   */
  readonly registry?: Registry | undefined;
}
