import { bearer, form, parseSSE, runEventName } from './http.ts';

/** One request of the load, as the client saw it. */
export interface Attempt {
  readonly index: number;
  readonly shape: string;
  readonly status: number;
  /** Set when the server accepted the run (answered with its id). */
  readonly runId: string | undefined;
  /** Stable error code of a refusal, or the terminal event / run status of an accepted run. */
  readonly outcome: string;
  /** A network-level failure (connection refused or reset), when there was no HTTP answer. */
  readonly networkError?: string;
}

export interface LoadShape {
  readonly name: string;
  send(url: string, token: string | undefined, index: number): Promise<Attempt>;
}

async function restJson(
  url: string,
  agent: string,
  token: string | undefined,
  fields: Record<string, string>,
  index: number,
): Promise<Attempt> {
  const response = await fetch(`${url}/agents/${agent}/runs`, {
    method: 'POST',
    headers: bearer(token),
    body: form({ ...fields, stream: 'false' }),
  });
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  const runId = response.ok && typeof body.run_id === 'string' ? body.run_id : undefined;
  return {
    index,
    shape: `rest-json:${agent}`,
    status: response.status,
    runId,
    outcome: String(response.ok ? body.status : body.code),
  };
}

async function restStream(
  url: string,
  agent: string,
  token: string | undefined,
  fields: Record<string, string>,
  index: number,
): Promise<Attempt> {
  const response = await fetch(`${url}/agents/${agent}/runs`, {
    method: 'POST',
    headers: bearer(token),
    body: form({ ...fields, stream: 'true' }),
  });
  const shape = `rest-sse:${agent}`;
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    return { index, shape, status: response.status, runId: undefined, outcome: String(body.code) };
  }
  const events = parseSSE(await response.text());
  const first = events[0];
  const runId = typeof first?.data.run_id === 'string' ? first.data.run_id : undefined;
  const last = events.at(-1);
  return {
    index,
    shape,
    status: response.status,
    runId,
    outcome: last ? (runEventName(last) ?? last.event) : 'EMPTY',
  };
}

async function trpcRun(
  url: string,
  agent: string,
  token: string | undefined,
  input: Record<string, unknown>,
  index: number,
): Promise<Attempt> {
  const response = await fetch(`${url}/trpc/agents.${agent}.run`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...bearer(token) },
    body: JSON.stringify({ json: input }),
  });
  const body = (await response.json().catch(() => ({}))) as {
    result?: { data?: { json?: { runId?: string; status?: string } } };
    error?: { json?: { data?: { agentmintCode?: string } } };
  };
  const output = body.result?.data?.json;
  return {
    index,
    shape: `trpc:${agent}`,
    status: response.status,
    runId: output?.runId,
    outcome: String(output?.status ?? body.error?.json?.data?.agentmintCode),
  };
}

/** The mix of apps/server's four agents over REST (JSON and SSE) and tRPC. */
export const SERVER_SHAPES: readonly LoadShape[] = [
  {
    name: 'tenant REST JSON',
    send: (url, token, i) => restJson(url, 'tenant-agent', token, { message: `hello ${i}` }, i),
  },
  {
    name: 'research REST SSE',
    send: (url, token, i) =>
      restStream(
        url,
        'research-agent',
        token,
        {
          message: `trends ${i}`,
          factory_input: JSON.stringify({ persona: 'skeptic', depth: (i % 10) + 1 }),
        },
        i,
      ),
  },
  {
    name: 'profile tRPC',
    send: (url, token, i) => trpcRun(url, 'profile-agent', token, { message: `profile ${i}` }, i),
  },
  {
    name: 'workspace REST JSON',
    send: (url, token, i) => restJson(url, 'workspace-agent', token, { message: `docs ${i}` }, i),
  },
  {
    name: 'research tRPC',
    send: (url, token, i) =>
      trpcRun(
        url,
        'research-agent',
        token,
        { message: `depth ${i}`, factoryInput: { persona: 'advisor' } },
        i,
      ),
  },
];

/**
 * Sends `total` requests with at most `concurrency` in flight (closed loop), spreading them over
 * `shapes` and `tokens`; stops early when `stop()` says so. Network failures become attempts too.
 */
export async function runLoad(options: {
  readonly url: string;
  readonly total: number;
  readonly concurrency: number;
  readonly shapes: readonly LoadShape[];
  readonly tokens: readonly (string | undefined)[];
  readonly stop?: () => boolean;
  readonly onAttempt?: (attempt: Attempt) => void;
}): Promise<Attempt[]> {
  const attempts: Attempt[] = [];
  let next = 0;
  const worker = async () => {
    for (;;) {
      const index = next++;
      if (index >= options.total || options.stop?.()) return;
      const shape = options.shapes[index % options.shapes.length]!;
      const token = options.tokens[index % options.tokens.length];
      let attempt: Attempt;
      try {
        attempt = await shape.send(options.url, token, index);
      } catch (error) {
        const cause = (error as { cause?: { code?: string } }).cause;
        attempt = {
          index,
          shape: shape.name,
          status: 0,
          runId: undefined,
          outcome: 'NETWORK',
          networkError: cause?.code ?? String(error),
        };
      }
      attempts.push(attempt);
      options.onAttempt?.(attempt);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return attempts;
}

/** Counts by key, for readable failure messages. */
export function tally<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}
