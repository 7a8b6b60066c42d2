import {
  Agent,
  AgentRuntime,
  type Attachment,
  DEFAULT_ATTACHMENT_LIMITS,
  InMemoryDb,
  silentLogger,
} from '@agentmint/core';
import { startFakeOpenAIServer } from '@agentmint/testing';
import { describe, expect, it } from 'vitest';
import { MODEL_CASES } from './modelCases.ts';

const png: Attachment = { kind: 'image', mediaType: 'image/png', data: 'iVBORw0KGgoAAAANSUhEUg==' };
const photo: Attachment = {
  kind: 'image',
  mediaType: 'image/jpeg',
  url: 'https://example.com/cat.jpg',
};
const pdf: Attachment = {
  kind: 'file',
  mediaType: 'application/pdf',
  data: 'JVBERi0xLjQK',
  filename: 'report.pdf',
};

async function setup(api: (typeof MODEL_CASES)[number]) {
  const server = await startFakeOpenAIServer();
  const db = new InMemoryDb();
  const agent = new Agent({
    id: 'vision',
    db,
    model: api.create({ id: 'gpt-test', apiKey: 'sk-test', baseURL: server.url }),
  });
  const runtime = new AgentRuntime({ agents: [agent], logger: silentLogger });
  return { server, db, runtime };
}

describe.each(MODEL_CASES)('$name images and files', (api) => {
  it('sends each attachment as a content part and stores it with the run', async () => {
    const { server, db, runtime } = await setup(api);
    await using _server = server;
    const attachments = [png, photo, pdf];
    const run = await runtime.startRun({
      agentId: 'vision',
      message: 'What is in these?',
      attachments,
      caller: {},
    });
    const output = await run.outcome(undefined);
    expect(output.status).toBe('COMPLETED');

    // What the fake server decoded from the wire: the same attachments, data URLs split back.
    const user = server.requests[0]?.messages.find((m) => m.role === 'user');
    expect(user).toEqual({
      role: 'user',
      content: 'What is in these?',
      attachments: [
        png,
        { kind: 'image', mediaType: 'application/octet-stream', url: photo.url },
        pdf,
      ],
    });
    const raw = JSON.stringify(server.requests[0]?.body);
    if (api.api === 'responses') {
      expect(raw).toContain('"type":"input_image","image_url":"data:image/png;base64,');
      expect(raw).toContain('"type":"input_file","file_data":"data:application/pdf;base64,');
    } else {
      expect(raw).toContain('"type":"image_url","image_url":{"url":"data:image/png;base64,');
      expect(raw).toContain('"type":"file","file":{"file_data":"data:application/pdf;base64,');
    }
    // Stored with the run, so history and continue see them.
    const stored = await db.getRun(output.runId);
    expect(stored?.messages[0]).toEqual({
      role: 'user',
      content: 'What is in these?',
      attachments,
    });
    await runtime.close();
  });
});

describe('attachment limits, checked before any agent is built', () => {
  it.each([
    [
      'UNSUPPORTED_MEDIA_TYPE',
      415,
      [{ kind: 'image', mediaType: 'image/svg+xml', data: 'PHN2Zz4=' } as Attachment],
    ],
    [
      'UNSUPPORTED_MEDIA_TYPE',
      415,
      [{ kind: 'file', mediaType: 'application/x-msdownload', data: 'TVo=' } as Attachment],
    ],
    [
      'PAYLOAD_TOO_LARGE',
      413,
      [
        {
          kind: 'file',
          mediaType: 'text/plain',
          data: 'A'.repeat(Math.ceil((DEFAULT_ATTACHMENT_LIMITS.maxBytes * 4) / 3) + 8),
        } as Attachment,
      ],
    ],
    ['PAYLOAD_TOO_LARGE', 413, Array.from({ length: 11 }, () => png)],
    [
      'BAD_REQUEST',
      400,
      [{ kind: 'image', mediaType: 'image/png', data: 'not base64!' } as Attachment],
    ],
    [
      'BAD_REQUEST',
      400,
      [{ kind: 'image', mediaType: 'image/png', url: 'file:///etc/passwd' } as Attachment],
    ],
  ])('refuses with %s (%i)', async (code, status, attachments) => {
    const { server, runtime } = await setup(MODEL_CASES[0]);
    await using _server = server;
    await expect(
      runtime.startRun({ agentId: 'vision', message: 'x', attachments, caller: {} }),
    ).rejects.toMatchObject({ code, httpStatus: status });
    expect(server.requests).toHaveLength(0);
    await runtime.close();
  });
});
