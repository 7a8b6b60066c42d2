import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { InMemoryDb } from '@agentmint/core';
import { withPlayground } from '@agentmint/server/playground';
import { createServerOS } from '@agentmint/server/router';
import {
  ScriptedModel,
  type TextTurn,
  type ToolCallsTurn,
  type TurnRequest,
} from '@agentmint/testing';
import type { CorsOptions } from '@agentmint/trpc';

const SECRET = 'browser-tests-secret-0123456789abcdef';
const serverDir = fileURLToPath(new URL('../../../../apps/server/', import.meta.url));

/**
 * A slow model, so a browser can watch deltas arrive, press Stop mid-stream, and lose the
 * connection mid-run: "slow" asks for a long answer, "docs" for the read_docs tool, "save" for
 * write_docs (which waits for approval), a structured output request gets a ticket, anything else
 * gets ten paced deltas.
 */
function pacedAnswer(request: TurnRequest): TextTurn | ToolCallsTurn {
  const last = request.messages.at(-1);
  if (last?.role === 'tool')
    return { text: `The docs say: ${last.content}`, deltas: 4, delayMs: 100 };
  const asked = request.messages.findLast((message) => message.role === 'user')?.content ?? '';
  if (request.responseFormat) {
    return { text: JSON.stringify({ label: 'bug', priority: 2, summary: asked }) };
  }
  if (asked.includes('save')) {
    return { toolCalls: [{ name: 'write_docs', arguments: { title: 'Plan', body: asked } }] };
  }
  if (asked.includes('docs')) {
    return { toolCalls: [{ name: 'read_docs', arguments: { title: 'Roadmap' } }] };
  }
  if (asked.includes('slow')) {
    const words = Array.from({ length: 80 }, (_, index) => `word${index + 1} `);
    return { text: words.join(''), deltas: words.length, delayMs: 250 };
  }
  return { text: `Answer to "${asked}" in ten paced parts.`, deltas: 10, delayMs: 200 };
}

/** The example server's AgentOS (apps/server's agents, JWT auth) with the playground beside it. */
export async function startStack(options: { cors?: CorsOptions } = {}) {
  const db = new InMemoryDb();
  const model = new ScriptedModel({ fallback: pacedAnswer });
  const agentOS = createServerOS({
    db,
    model: () => model,
    auth: { secret: SECRET, algorithms: ['HS256'] },
    ...(options.cors && { cors: options.cors }),
  });
  const server = await agentOS.serve({ port: 0, fetch: withPlayground(agentOS.fetch) });
  return { url: server.url, db, model, close: () => server.close({ graceMs: 1_000 }) };
}

const run = promisify(execFile);

/** A token from the dev token command, exactly as a user copies it into the token box. */
export async function devToken(sub: string): Promise<string> {
  const { stdout } = await run(
    process.execPath,
    ['--conditions=@agentmint/source', 'src/printToken.ts', '--sub', sub, '--role', 'editor'],
    { cwd: serverDir, env: { ...process.env, AGENTMINT_JWT_SECRET: SECRET } },
  );
  return stdout.trim();
}
