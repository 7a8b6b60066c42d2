import { Agent, type Attachment, InMemoryDb, silentLogger } from '@agentmint/core';
import { ScriptedModel } from '@agentmint/testing';
import { createTRPCClient, httpBatchLink, TRPCClientError } from '@trpc/client';
import superjson from 'superjson';
import { afterEach, describe, expect, it } from 'vitest';
import { AgentOS, type ServerHandle } from '../src/index.ts';

const servers: ServerHandle[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close({ graceMs: 100 })));
});

// A real 1x1 PNG: binary bytes (not UTF-8) must survive the multipart parser untouched.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
const PDF = Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1');

async function start() {
  const db = new InMemoryDb();
  const model = new ScriptedModel();
  const agent = new Agent({ id: 'vision-agent', model, db });
  const os = new AgentOS({ agents: [agent] as const, logger: silentLogger });
  const server = await os.serve({ port: 0 });
  servers.push(server);
  return { url: server.url, model, db, os };
}

function sentAttachments(model: ScriptedModel): readonly Attachment[] | undefined {
  const user = model.lastRequest?.messages.find((m) => m.role === 'user');
  return user?.role === 'user' ? user.attachments : undefined;
}

describe('images and files over REST', () => {
  it('takes multipart `images` and `files` (Agno names), bytes intact, stored with the run', async () => {
    const { url, model, db } = await start();
    const body = new FormData();
    body.append('message', 'Describe these');
    body.append('stream', 'false');
    body.append('images', new Blob([PNG], { type: 'image/png' }), 'dot.png');
    body.append('images', new Blob([PNG], { type: 'image/png' }), 'dot2.png');
    body.append('files', new Blob([PDF], { type: 'application/pdf' }), 'report.pdf');
    const response = await fetch(`${url}/agents/vision-agent/runs`, { method: 'POST', body });
    expect(response.status).toBe(200);
    const run = (await response.json()) as { run_id: string };
    const expected = [
      { kind: 'image', mediaType: 'image/png', data: PNG.toString('base64'), filename: 'dot.png' },
      { kind: 'image', mediaType: 'image/png', data: PNG.toString('base64'), filename: 'dot2.png' },
      {
        kind: 'file',
        mediaType: 'application/pdf',
        data: PDF.toString('base64'),
        filename: 'report.pdf',
      },
    ];
    expect(sentAttachments(model)).toEqual(expected);
    const stored = await db.getRun(run.run_id);
    expect(stored?.messages[0]).toMatchObject({ role: 'user', attachments: expected });
  });

  it('takes JSON `images` / `files` as { url } or { content, mime_type }', async () => {
    const { url, model } = await start();
    const response = await fetch(`${url}/agents/vision-agent/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        message: 'And these?',
        stream: false,
        images: [{ url: 'https://example.com/cat.jpg' }],
        files: [{ content: PDF.toString('base64'), mime_type: 'application/pdf' }],
      }),
    });
    expect(response.status).toBe(200);
    expect(sentAttachments(model)).toEqual([
      { kind: 'image', mediaType: 'image/jpeg', url: 'https://example.com/cat.jpg' },
      { kind: 'file', mediaType: 'application/pdf', data: PDF.toString('base64') },
    ]);
  });

  it.each([
    [
      'an image type not accepted',
      () => {
        const body = new FormData();
        body.append('message', 'x');
        body.append('images', new Blob(['<svg/>'], { type: 'image/svg+xml' }), 'a.svg');
        return body;
      },
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    [
      'an upload under a field not served (audio)',
      () => {
        const body = new FormData();
        body.append('message', 'x');
        body.append('audio', new Blob(['RIFF'], { type: 'audio/wav' }), 'a.wav');
        return body;
      },
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    [
      'more than 10 attachments',
      () => {
        const body = new FormData();
        body.append('message', 'x');
        for (let i = 0; i < 11; i++) {
          body.append('images', new Blob([PNG], { type: 'image/png' }), `${i}.png`);
        }
        return body;
      },
      413,
      'PAYLOAD_TOO_LARGE',
    ],
    [
      'a body over the size limit',
      () => {
        const body = new FormData();
        body.append('message', 'x');
        body.append('files', new Blob([Buffer.alloc(2 * 1024 * 1024)], { type: 'text/plain' }));
        return body;
      },
      413,
      'PAYLOAD_TOO_LARGE',
    ],
  ])(
    'refuses %s with %i and a code, before the model is called',
    async (_case, body, status, code) => {
      const { url, model } = await start();
      const response = await fetch(`${url}/agents/vision-agent/runs`, {
        method: 'POST',
        body: body(),
      });
      expect(response.status).toBe(status);
      expect(await response.json()).toMatchObject({ code });
      expect(model.calls).toBe(0);
    },
  );

  it('refuses a JSON image without url or content with 400', async () => {
    const { url } = await start();
    const response = await fetch(`${url}/agents/vision-agent/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'x', images: [{ mime_type: 'image/png' }] }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'BAD_REQUEST' });
  });
});

describe('images and files over tRPC', () => {
  it('takes typed `attachments` and refuses a type not accepted with 415', async () => {
    const { url, model, os } = await start();
    const client = createTRPCClient<typeof os.router>({
      links: [httpBatchLink({ url: `${url}/trpc`, transformer: superjson })],
    });
    const image = { kind: 'image', mediaType: 'image/png', data: PNG.toString('base64') } as const;
    const run = await client.agents['vision-agent'].run.mutate({
      message: 'see',
      attachments: [image],
    });
    expect(run.status).toBe('COMPLETED');
    expect(sentAttachments(model)).toEqual([image]);

    const refused = await client.agents['vision-agent'].run
      .mutate({
        message: 'see',
        attachments: [{ kind: 'file', mediaType: 'application/x-sh', data: 'ZWNobw==' }],
      })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(TRPCClientError);
    expect((refused as TRPCClientError<typeof os.router>).data).toMatchObject({
      httpStatus: 415,
      agentmintCode: 'UNSUPPORTED_MEDIA_TYPE',
    });
  });
});
