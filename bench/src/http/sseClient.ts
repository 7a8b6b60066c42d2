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
  /**
   * A POST sent first (tRPC `agents[id].start`, JSON); the stream is then `watchPath` of the run
   * id it answered. Both count in the timings, as for a client's `stream()`.
   */
  readonly start?: {
    readonly path: string;
    readonly body: string;
    readonly watchPath: (runId: string) => string;
  };
}

export interface SseResult {
  readonly status: number;
  /** From sending the request to the end of the first run event, in ms. */
  readonly firstEventMs: number;
  readonly totalMs: number;
  readonly events: number;
}

interface ReadOptions {
  readonly agent?: Agent | false;
  readonly onFirstEvent?: () => void;
  readonly timeoutMs?: number;
}

/**
 * Opens one SSE stream over plain node:http (after its `start` POST, if any) and reads it to the
 * end, timing its first event.
 */
export async function readSse(
  baseUrl: string,
  request: SseRequest,
  options: ReadOptions = {},
): Promise<SseResult> {
  const started = performance.now();
  if (!request.start) return openSse(baseUrl, request.path, request, options, started);
  const runId = await postStart(baseUrl, request.start, options.agent ?? false);
  return openSse(baseUrl, request.start.watchPath(runId), request, options, started);
}

/** The tRPC start mutation: answers `{ result: { data: { json: { runId } } } }`. */
function postStart(
  baseUrl: string,
  start: NonNullable<SseRequest['start']>,
  agent: Agent | false,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      new URL(start.path, baseUrl),
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(start.body),
        },
        agent,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => {
          const runId = (JSON.parse(text) as { result?: { data?: { json?: { runId?: unknown } } } })
            .result?.data?.json?.runId;
          if (typeof runId === 'string') resolve(runId);
          else reject(new Error(`start ${start.path} answered ${res.statusCode}: ${text}`));
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(start.body);
  });
}

function openSse(
  baseUrl: string,
  path: string,
  request: SseRequest,
  options: ReadOptions,
  started: number,
): Promise<SseResult> {
  const url = new URL(path, baseUrl);
  return new Promise<SseResult>((resolve, reject) => {
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
        new Error(`SSE stream ${path} still open after ${options.timeoutMs ?? 60_000} ms`),
      );
    }, options.timeoutMs ?? 60_000);
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.end(request.body);
  });
}
