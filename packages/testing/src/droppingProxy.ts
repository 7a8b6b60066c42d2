import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the proxy forwarded it. */
export interface ProxiedRequest {
  readonly path: string;
  readonly authorization: string | undefined;
  /** Where the request resumes: the Last-Event-ID header, or a tRPC input's `lastEventId`. */
  readonly lastEventId: string | undefined;
}

export interface DroppingProxy extends AsyncDisposable {
  /** The proxy's origin, e.g. `http://127.0.0.1:PORT`: every path is forwarded to the target. */
  readonly url: string;
  readonly requests: ProxiedRequest[];
  /** SSE responses still open. */
  readonly openStreams: () => number;
  /** Stops listening and drops every open connection. */
  close(): Promise<void>;
}

export interface DroppingProxyOptions {
  /** Cut an SSE response once this many events (blocks with an `id:`) went through. */
  readonly afterEvents?: number;
  /** How many SSE responses to cut, first ones first. Default 0: a plain proxy. */
  readonly drops?: number;
}

/**
 * A loopback HTTP proxy in front of a server that kills the first `drops` SSE responses after
 * `afterEvents` tracked events, the way a load balancer or a flaky network drops a stream.
 */
export async function startDroppingProxy(
  target: string,
  options: DroppingProxyOptions = {},
): Promise<DroppingProxy> {
  const afterEvents = options.afterEvents ?? Number.POSITIVE_INFINITY;
  let dropsLeft = options.drops ?? 0;
  let open = 0;
  const requests: ProxiedRequest[] = [];
  const server = createServer((req, res) => {
    requests.push({
      path: req.url ?? '',
      authorization: req.headers.authorization,
      lastEventId:
        (req.headers['last-event-id'] as string | undefined) ?? inputLastEventId(req.url ?? ''),
    });
    const upstream = request(new URL(req.url ?? '/', target), {
      method: req.method,
      headers: req.headers,
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
    upstream.on('response', (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      const sse = String(answer.headers['content-type']).startsWith('text/event-stream');
      if (!sse) {
        answer.pipe(res);
        return;
      }
      open++;
      res.on('close', () => open--);
      const drop = dropsLeft > 0;
      if (drop) dropsLeft--;
      let buffer = '';
      let events = 0;
      let cut = false;
      answer.setEncoding('utf8');
      answer.on('data', (chunk: string) => {
        if (cut) return;
        buffer += chunk;
        for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end + 2);
          buffer = buffer.slice(end + 2);
          res.write(block);
          if (/^id:/m.test(block)) events++;
          if (drop && events >= afterEvents) {
            cut = true;
            // Cut both sides mid-stream once the last block is on the wire.
            res.write('', () => {
              answer.destroy();
              res.destroy();
            });
            return;
          }
        }
      });
      answer.on('end', () => res.end(buffer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    openStreams: () => open,
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** `lastEventId` of a tRPC GET's `?input=` (superjson's `{ json }` or plain JSON), if any. */
function inputLastEventId(path: string): string | undefined {
  const input = new URL(path, 'http://proxy').searchParams.get('input');
  if (input === null) return undefined;
  try {
    const parsed = JSON.parse(input) as { json?: { lastEventId?: unknown }; lastEventId?: unknown };
    const value = parsed.json?.lastEventId ?? parsed.lastEventId;
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}
