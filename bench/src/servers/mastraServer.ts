import type { AddressInfo } from 'node:net';
import { Agent } from '@mastra/core/agent';
import { Mastra } from '@mastra/core/mastra';
import { createNodeServer } from '@mastra/deployer/server';
import { MockLanguageModelV2, simulateReadableStream } from 'ai/test';
import { z } from 'zod';
import { STREAM_DELTAS } from './benchModel.ts';
import { RESEARCH_AGENT_ID, researchInput, researchInstructions } from './researchAgent.ts';
import { serveChild } from './serveChild.ts';

/**
 * The peer, set up as shared/design/peers.md records: Mastra 1.71 served by `createNodeServer`
 * (what `mastra build` generates), one Agent whose instructions come from the request context
 * (validated by a zod `requestContextSchema`), `MockLanguageModelV2` answering "ok" at once, no
 * storage. `BENCH_MODEL=stream200` makes `/stream` send 200 deltas.
 */

process.env.MASTRA_TELEMETRY_DISABLED = '1';

const usage = { inputTokens: 47, outputTokens: 1, totalTokens: 48 };
const STREAM_TEXT = 'lorem ipsum '.repeat(100).slice(0, 1000);
const streamDeltas = process.env.BENCH_MODEL === 'stream200' ? STREAM_DELTAS : 1;

function streamChunks() {
  const size = STREAM_TEXT.length / streamDeltas;
  const text = streamDeltas === 1 ? ['ok'] : [];
  for (let i = 0; i < streamDeltas && streamDeltas > 1; i++) {
    text.push(STREAM_TEXT.slice(Math.round(i * size), Math.round((i + 1) * size)));
  }
  return [
    { type: 'stream-start' as const, warnings: [] },
    { type: 'text-start' as const, id: 't1' },
    ...text.map((delta) => ({ type: 'text-delta' as const, id: 't1', delta })),
    { type: 'text-end' as const, id: 't1' },
    { type: 'finish' as const, finishReason: 'stop' as const, usage },
  ];
}

const model = new MockLanguageModelV2({
  modelId: 'mock',
  doGenerate: async () => {
    // The mock keeps every call for assertions; a benchmark must not grow its heap forever.
    model.doGenerateCalls.length = 0;
    return {
      content: [{ type: 'text', text: 'ok' }],
      finishReason: 'stop',
      usage,
      warnings: [],
    };
  },
  doStream: async () => {
    model.doStreamCalls.length = 0;
    return {
      stream: simulateReadableStream({
        chunks: streamChunks(),
        initialDelayInMs: null,
        chunkDelayInMs: null,
      }),
    };
  },
});

/** What the request context carries; Mastra validates it but does not apply the defaults. */
const requestContextSchema = z.object({
  userId: z.string().optional(),
  persona: researchInput.shape.persona,
  depth: researchInput.shape.depth,
});

await serveChild(async () => {
  const researchAgent = new Agent({
    id: RESEARCH_AGENT_ID,
    name: 'Research agent',
    requestContextSchema,
    instructions: ({ requestContext }) =>
      researchInstructions({
        persona:
          (requestContext.get('persona') as 'analyst' | 'advisor' | 'skeptic' | undefined) ??
          'analyst',
        depth: (requestContext.get('depth') as number | undefined) ?? 3,
      }),
    model,
  });
  const mastra = new Mastra({
    agents: { [RESEARCH_AGENT_ID]: researchAgent },
    logger: false,
    server: { port: 0, host: '127.0.0.1' },
  });
  const server = await createNodeServer(mastra, { tools: {} });
  if (!server.listening) await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    openRuns: () => -1,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
});
