import { type Agent, request as httpRequest } from 'node:http';

export interface SseRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
  /**
   * Which SSE blocks count as run events: `id` (blocks with an `id:` line: AgentOS REST and tRPC,
   * the baseline) or `data` (every block with data: Mastra's stream, which sends no ids).
   */
  readonly countBlocksWith: 'id' | 'data';
}

export interface SseResult {
  readonly status: number;
  /** From sending the request to the end of the first run event, in ms. */
  readonly firstEventMs: number;
  readonly totalMs: number;
  readonly events: number;
}

/** Opens one SSE stream over plain node:http and reads it to the end, timing its first event. */
export function readSse(
  baseUrl: string,
  request: SseRequest,
  options: { agent?: Agent | false; onFirstEvent?: () => void; timeoutMs?: number } = {},
): Promise<SseResult> {
  const url = new URL(request.path, baseUrl);
  return new Promise<SseResult>((resolve, reject) => {
    const started = performance.now();
    let firstEventMs = Number.NaN;
    let events = 0;
    let carry = '';
    const marker = request.countBlocksWith === 'id' ? /(^|\n)id:/ : /(^|\n)data:/;
    const req = httpRequest(
      url,
      {
        method: request.method,
        headers: {
          accept: 'text/event-stream',
          ...request.headers,
          ...(request.body !== undefined && { 'content-length': Buffer.byteLength(request.body) }),
        },
        agent: options.agent ?? false,
      },
      (res) => {
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          carry += chunk;
          let end = carry.indexOf('\n\n');
          while (end >= 0) {
            const block = carry.slice(0, end);
            carry = carry.slice(end + 2);
            if (marker.test(block)) {
              if (events++ === 0) {
                firstEventMs = performance.now() - started;
                options.onFirstEvent?.();
              }
            }
            end = carry.indexOf('\n\n');
          }
        });
        res.on('end', () => {
          clearTimeout(timer);
          resolve({
            status: res.statusCode ?? 0,
            firstEventMs,
            totalMs: performance.now() - started,
            events,
          });
        });
        res.on('error', reject);
      },
    );
    const timer = setTimeout(() => {
      req.destroy(
        new Error(`SSE stream ${request.path} still open after ${options.timeoutMs ?? 60_000} ms`),
      );
    }, options.timeoutMs ?? 60_000);
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.end(request.body);
  });
}
