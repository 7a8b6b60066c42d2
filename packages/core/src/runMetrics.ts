/** Run metrics, in Agno's units: seconds for times, counts for tokens. */
export interface RunMetrics {
  readonly duration: number;
  readonly timeToFirstToken: number | null;
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly totalTokens: number;
}
