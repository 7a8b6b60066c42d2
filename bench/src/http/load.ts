import autocannon from 'autocannon';

/** One kind of request, sent over and over by every connection. */
export interface LoadRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
  /** The status every response should have (200, or 400/500 for the invalid-input case). */
  readonly expectStatus: number;
}

export interface LoadOptions {
  /** Concurrent keep-alive connections (closed loop: each waits for its answer). */
  readonly connections: number;
  readonly durationS: number;
  /** Unmeasured load first, so the server's JIT and pools are warm. */
  readonly warmupS: number;
}

export interface LoadResult {
  readonly requestsPerSecond: number;
  /** Latency percentiles in milliseconds, from every response's own time (sub-ms precision). */
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly responses: number;
  /** Responses with another status than expected (non-2xx when 200 was expected). */
  readonly unexpected: number;
  readonly statuses: Readonly<Record<string, number>>;
  /** Connection errors and timeouts. */
  readonly errors: number;
  readonly durationS: number;
}

/**
 * Closed-loop keep-alive load with autocannon (in this process, which the bench pins to a CPU):
 * unmeasured warm-up, then `beforeMeasure` (e.g. read the server's CPU time), then the measured run.
 */
export async function runLoad(
  url: string,
  request: LoadRequest,
  options: LoadOptions,
  beforeMeasure?: () => Promise<void>,
): Promise<LoadResult> {
  if (options.warmupS > 0) await measure(url, request, options.connections, options.warmupS);
  await beforeMeasure?.();
  return measure(url, request, options.connections, options.durationS);
}

function measure(
  url: string,
  request: LoadRequest,
  connections: number,
  durationS: number,
): Promise<LoadResult> {
  return new Promise<LoadResult>((resolve, reject) => {
    const latencies: number[] = [];
    const statuses: Record<string, number> = {};
    let unexpected = 0;
    let started = performance.now();
    const instance = autocannon(
      {
        url: new URL(request.path, url).href,
        connections,
        pipelining: 1,
        duration: durationS,
        method: request.method,
        headers: { ...request.headers },
        ...(request.body !== undefined && { body: request.body }),
        timeout: 10,
        // autocannon stops at its next sample after `duration`: sample often so runs end on time.
        sampleInt: 100,
      },
      (error, result) => {
        if (error) {
          reject(error);
          return;
        }
        const elapsedS = (performance.now() - started) / 1000;
        latencies.sort((a, b) => a - b);
        resolve({
          requestsPerSecond: latencies.length / elapsedS,
          p50Ms: percentile(latencies, 0.5),
          p99Ms: percentile(latencies, 0.99),
          responses: latencies.length,
          unexpected,
          statuses,
          errors: result.errors + result.timeouts,
          durationS: elapsedS,
        });
      },
    );
    instance.on('start', () => {
      started = performance.now();
    });
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      latencies.push(responseTime);
      const key = String(statusCode);
      statuses[key] = (statuses[key] ?? 0) + 1;
      if (statusCode !== request.expectStatus) unexpected++;
    });
  });
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[index] as number;
}
