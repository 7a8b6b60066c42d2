import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Message, Model, ModelRequest } from '@agentmint/core';
import { z } from 'zod';
import { benchModelMode, createBenchModel } from './benchModel.ts';
import { RESEARCH_AGENT_ID, researchInput, researchInstructions } from './researchAgent.ts';
import { serveChild } from './serveChild.ts';

/**
 * The limit: a bare `node:http` server doing the least the same requests need. It reads the same
 * JSON (tRPC batch) or multipart (REST) body, validates it with zod, builds a plain-object agent,
 * awaits the same zero-latency model and answers a run record of the same shape and size (or the
 * same SSE, written by hand). No tRPC, no Hono, no factory, no db. A tRPC stream comes two ways:
 * one GET that runs and streams, or a client's `stream()` (a start POST, then a `runs.watch` GET
 * that streams the started run's buffered, then live, events).
 */

const id = z.string().min(1).max(200);
const envelope = z.object({
  message: z.string().min(1).max(1_000_000),
  sessionId: id.optional(),
  userId: id.optional(),
  factoryInput: z.unknown().optional(),
});

interface PlainAgent {
  readonly id: string;
  readonly instructions: string;
  readonly model: Model;
}

interface RunFields {
  readonly message: string;
  readonly sessionId?: string | undefined;
  readonly userId?: string | undefined;
  readonly factoryInput?: unknown;
}

class BadRequest extends Error {}

const model = createBenchModel(benchModelMode());
let openRuns = 0;

function buildAgent(factoryInput: unknown): PlainAgent {
  const parsed = researchInput.safeParse(factoryInput ?? {});
  if (!parsed.success) {
    throw new BadRequest(
      `Invalid factoryInput: ${parsed.error.issues.map((i) => i.message).join('; ')}`,
    );
  }
  return { id: RESEARCH_AGENT_ID, instructions: researchInstructions(parsed.data), model };
}

function modelRequest(agent: PlainAgent, message: string, signal: AbortSignal): ModelRequest {
  const messages: Message[] = [
    { role: 'system', content: `${agent.instructions}\n\nUse markdown to format your answers.` },
    { role: 'user', content: message },
  ];
  return { messages, tools: [], signal };
}

/** The run record both APIs answer, in REST's snake_case or tRPC's camelCase. */
function runRecord(fields: RunFields, content: string, started: number, snake: boolean) {
  const duration = (performance.now() - started) / 1000;
  const usage = { input: 47, output: 1 };
  const messages = [
    { role: 'user', content: fields.message },
    { role: 'assistant', content },
  ];
  if (snake) {
    return {
      run_id: randomUUID(),
      agent_id: RESEARCH_AGENT_ID,
      session_id: fields.sessionId ?? randomUUID(),
      user_id: fields.userId ?? null,
      content,
      content_type: 'str',
      model: model.id,
      model_provider: model.provider,
      status: 'COMPLETED',
      created_at: Math.floor(Date.now() / 1000),
      metrics: {
        duration,
        time_to_first_token: duration,
        input_tokens: usage.input,
        output_tokens: usage.output,
        total_tokens: usage.input + usage.output,
      },
      messages,
    };
  }
  return {
    runId: randomUUID(),
    sessionId: fields.sessionId ?? randomUUID(),
    agentId: RESEARCH_AGENT_ID,
    userId: fields.userId ?? null,
    status: 'COMPLETED',
    content,
    contentType: 'str',
    model: model.id,
    modelProvider: model.provider,
    metrics: {
      duration,
      timeToFirstToken: duration,
      inputTokens: usage.input,
      outputTokens: usage.output,
      totalTokens: usage.input + usage.output,
    },
    error: null,
    messages,
    createdAt: new Date().toISOString(),
  };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A minimal multipart/form-data reader: text fields only, which is all a run request has. */
function parseMultipart(body: Buffer, contentType: string): Record<string, string> {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const marker = boundary?.[1] ?? boundary?.[2];
  if (!marker) throw new BadRequest('multipart body without a boundary');
  const fields: Record<string, string> = {};
  for (const part of body.toString('utf8').split(`--${marker}`)) {
    const split = part.indexOf('\r\n\r\n');
    if (split < 0) continue;
    const name = /name="([^"]*)"/.exec(part.slice(0, split))?.[1];
    if (name === undefined) continue;
    fields[name] = part.slice(split + 4, part.endsWith('\r\n') ? -2 : undefined);
  }
  return fields;
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

/** tRPC's batch body: `{"0":{"json":<input>}}` (superjson leaves plain JSON as it is). */
async function trpcRun(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = performance.now();
  let fields: RunFields;
  let agent: PlainAgent;
  try {
    const batch = JSON.parse((await readBody(req)).toString('utf8')) as Record<
      string,
      { json?: unknown }
    >;
    const parsed = envelope.safeParse(batch['0']?.json);
    if (!parsed.success) throw new BadRequest('Invalid request input');
    fields = parsed.data;
    agent = buildAgent(fields.factoryInput);
  } catch (error) {
    const message = error instanceof BadRequest ? error.message : 'Invalid JSON';
    sendJson(res, 400, [
      {
        error: { json: { message, code: -32600, data: { code: 'BAD_REQUEST', httpStatus: 400 } } },
      },
    ]);
    return;
  }
  const controller = new AbortController();
  const answer = await agent.model.generate(modelRequest(agent, fields.message, controller.signal));
  const record = runRecord(fields, answer.content ?? '', started, false);
  sendJson(res, 200, [{ result: { data: { json: record } } }]);
}

async function restRun(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = performance.now();
  let fields: RunFields;
  let agent: PlainAgent;
  let stream: boolean;
  try {
    const form = parseMultipart(await readBody(req), req.headers['content-type'] ?? '');
    const factoryInput =
      form.factory_input === undefined ? undefined : JSON.parse(form.factory_input);
    const parsed = envelope.safeParse({ message: form.message, factoryInput });
    if (!parsed.success) throw new BadRequest('`message` is required');
    fields = parsed.data;
    stream = form.stream !== 'false';
    agent = buildAgent(fields.factoryInput);
  } catch (error) {
    const detail = error instanceof BadRequest ? error.message : 'Invalid request body';
    sendJson(res, 400, { detail, code: 'FACTORY_VALIDATION' });
    return;
  }
  const controller = new AbortController();
  const request = modelRequest(agent, fields.message, controller.signal);
  if (!stream) {
    const answer = await agent.model.generate(request);
    sendJson(res, 200, runRecord(fields, answer.content ?? '', started, true));
    return;
  }
  res.once('close', () => controller.abort());
  await streamRun(res, agent, fields, request, 'rest');
}

/** `GET /trpc/agents.research-agent.stream?input=…`: tRPC's SSE framing, written by hand. */
async function trpcStream(url: URL, res: ServerResponse): Promise<void> {
  let fields: RunFields;
  let agent: PlainAgent;
  try {
    const input = JSON.parse(url.searchParams.get('input') ?? '') as { json?: unknown };
    const parsed = envelope.safeParse(input.json);
    if (!parsed.success) throw new BadRequest('Invalid request input');
    fields = parsed.data;
    agent = buildAgent(fields.factoryInput);
  } catch (error) {
    sendJson(res, 400, { error: error instanceof Error ? error.message : 'bad input' });
    return;
  }
  const controller = new AbortController();
  res.once('close', () => controller.abort());
  await streamRun(
    res,
    agent,
    fields,
    modelRequest(agent, fields.message, controller.signal),
    'trpc',
  );
}

/** One run event's SSE frame: Agno's `event:`/`data:` framing (REST) or tRPC's tracked one. */
type FrameWriter = (event: string, extra: Record<string, unknown>) => string;

function frameWriter(agent: PlainAgent, fields: RunFields, framing: 'rest' | 'trpc'): FrameWriter {
  const runId = randomUUID();
  const sessionId = fields.sessionId ?? randomUUID();
  let seq = 0;
  return (event, extra) => {
    seq++;
    return framing === 'rest'
      ? `event: ${event}\ndata: ${JSON.stringify({
          event,
          created_at: Math.floor(Date.now() / 1000),
          agent_id: agent.id,
          run_id: runId,
          session_id: sessionId,
          seq,
          ...extra,
        })}\nid: ${seq}\n\n`
      : `data: ${JSON.stringify({
          json: {
            event,
            ...extra,
            seq,
            createdAt: Date.now(),
            agentId: agent.id,
            runId,
            sessionId,
          },
        })}\nid: ${runId}:${seq}\n\n`;
  };
}

/** The run's events, each handed to `emit` as a frame (awaited: back-pressure). */
async function produceRun(
  agent: PlainAgent,
  request: ModelRequest,
  frameOf: FrameWriter,
  emit: (frame: string) => Promise<void> | void,
): Promise<void> {
  const started = performance.now();
  await emit(
    frameOf('RunStarted', { model: agent.model.id, model_provider: agent.model.provider }),
  );
  await emit(frameOf('ModelRequestStarted', { model: agent.model.id }));
  let content = '';
  for await (const part of agent.model.stream(request)) {
    if (part.type !== 'text-delta') continue;
    content += part.delta;
    await emit(frameOf('RunContent', { content: part.delta, content_type: 'str' }));
  }
  await emit(frameOf('ModelRequestCompleted', { input_tokens: 47, output_tokens: 200 }));
  await emit(frameOf('RunContentCompleted', {}));
  await emit(
    frameOf('RunCompleted', {
      content,
      content_type: 'str',
      metrics: { duration: (performance.now() - started) / 1000 },
    }),
  );
}

const SSE_HEAD = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
} as const;
const TRPC_CONNECTED = 'event: connected\ndata: {"reconnectAfterInactivityMs":30000}\n\n';
const TRPC_RETURN = 'event: return\ndata: \n\n';

/** Writes the run's events as SSE while it runs, in the request that asked for it. */
async function streamRun(
  res: ServerResponse,
  agent: PlainAgent,
  fields: RunFields,
  request: ModelRequest,
  framing: 'rest' | 'trpc',
): Promise<void> {
  openRuns++;
  res.writeHead(200, SSE_HEAD);
  if (framing === 'trpc') res.write(TRPC_CONNECTED);
  try {
    await produceRun(agent, request, frameWriter(agent, fields, framing), async (frame) => {
      if (!res.write(frame)) await once(res, 'drain');
    });
    if (framing === 'trpc') res.write(TRPC_RETURN);
  } catch {
    // The client went away: the model request was aborted with it.
  } finally {
    openRuns--;
    res.end();
  }
}

/**
 * A run started by `agents.research-agent.start` (start + watch, as a client's `stream()`): its
 * frames so far, for the one `runs.watch` that reads them. The least a server needs to let a
 * run outlive the request that started it: a map from run id to its buffered events.
 */
interface StartedRun {
  readonly frames: string[];
  ended: boolean;
  wake: (() => void) | undefined;
}

const startedRuns = new Map<string, StartedRun>();

/** `POST /trpc/agents.research-agent.start` (`{"json":<input>}`): starts the run, answers its ids. */
async function trpcStart(req: IncomingMessage, res: ServerResponse): Promise<void> {
  let fields: RunFields;
  let agent: PlainAgent;
  try {
    const body = JSON.parse((await readBody(req)).toString('utf8')) as { json?: unknown };
    const parsed = envelope.safeParse(body.json);
    if (!parsed.success) throw new BadRequest('Invalid request input');
    fields = parsed.data;
    agent = buildAgent(fields.factoryInput);
  } catch (error) {
    const message = error instanceof BadRequest ? error.message : 'Invalid JSON';
    sendJson(res, 400, {
      error: { json: { message, code: -32600, data: { code: 'BAD_REQUEST', httpStatus: 400 } } },
    });
    return;
  }
  const runId = randomUUID();
  const sessionId = fields.sessionId ?? randomUUID();
  const run: StartedRun = { frames: [], ended: false, wake: undefined };
  startedRuns.set(runId, run);
  const push = (frame: string) => {
    run.frames.push(frame);
    run.wake?.();
  };
  const controller = new AbortController();
  openRuns++;
  produceRun(
    agent,
    modelRequest(agent, fields.message, controller.signal),
    frameWriter(agent, { ...fields, sessionId }, 'trpc'),
    push,
  )
    .catch(() => {})
    .finally(() => {
      openRuns--;
      run.ended = true;
      run.wake?.();
    });
  sendJson(res, 200, { result: { data: { json: { runId, sessionId } } } });
}

/** `GET /trpc/runs.watch?input={"json":{"runId":…}}`: the started run's frames, then live ones. */
async function trpcWatch(url: URL, res: ServerResponse): Promise<void> {
  let runId: unknown;
  try {
    runId = (JSON.parse(url.searchParams.get('input') ?? '') as { json?: { runId?: unknown } }).json
      ?.runId;
  } catch {
    runId = undefined;
  }
  const run = typeof runId === 'string' ? startedRuns.get(runId) : undefined;
  if (!run) {
    sendJson(res, 404, { error: 'run not found' });
    return;
  }
  startedRuns.delete(runId as string);
  let closed = false;
  res.once('close', () => {
    closed = true;
    run.wake?.();
  });
  res.writeHead(200, SSE_HEAD);
  res.write(TRPC_CONNECTED);
  let index = 0;
  while (!closed) {
    while (index < run.frames.length) {
      if (!res.write(run.frames[index++] as string)) await once(res, 'drain');
    }
    if (run.ended) break;
    await new Promise<void>((resolve) => {
      run.wake = resolve;
    });
    run.wake = undefined;
  }
  if (!closed) res.end(TRPC_RETURN);
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  if (req.method === 'POST' && url.pathname === '/trpc/agents.research-agent.run') {
    return trpcRun(req, res);
  }
  if (req.method === 'GET' && url.pathname === '/trpc/agents.research-agent.stream') {
    return trpcStream(url, res);
  }
  if (req.method === 'POST' && url.pathname === '/trpc/agents.research-agent.start') {
    return trpcStart(req, res);
  }
  if (req.method === 'GET' && url.pathname === '/trpc/runs.watch') {
    return trpcWatch(url, res);
  }
  if (req.method === 'POST' && url.pathname === '/agents/research-agent/runs') {
    return restRun(req, res);
  }
  sendJson(res, 404, { detail: 'Not found' });
}

await serveChild(async () => {
  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) sendJson(res, 500, { detail: 'Internal server error' });
      else res.end();
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    openRuns: () => openRuns,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
});
