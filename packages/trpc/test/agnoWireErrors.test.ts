import { AgentMintError, InMemoryDb, type OwnerScope, type RunEvent } from '@agentmint/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServerHandle } from '../src/index.ts';
import { form, readSSE, seedOS } from './fixtures.ts';

const servers: ServerHandle[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close({ graceMs: 100 })));
});

/** A store whose event replay fails, so a stream breaks after its headers are sent. */
class BrokenReplayDb extends InMemoryDb {
  override async listEvents(
    _runId: string,
    _after: number,
    _scope?: OwnerScope,
  ): Promise<RunEvent[]> {
    throw new AgentMintError('STORE_UNAVAILABLE', 'replay failed', {
      publicMessage: 'The database is unavailable; retry shortly',
    });
  }
}

describe('regression: an SSE stream that failed wrote a frame without `event`, which Agno drops', () => {
  it("writes Agno's RunErrorEvent (event, ids, content, error_type) plus {detail, code}", async () => {
    const setup = seedOS({}, new BrokenReplayDb());
    const server = await setup.os.serve({ port: 0 });
    servers.push(server);
    const run = (await (
      await fetch(`${server.url}/agents/tenant-agent/runs`, {
        method: 'POST',
        body: form({ message: 'hi', stream: 'false' }),
      })
    ).json()) as { run_id: string; session_id: string };

    const response = await fetch(`${server.url}/agents/tenant-agent/runs/${run.run_id}/events`);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const frames = await readSSE(response);
    expect(frames).toEqual([
      {
        event: 'RunError',
        data: {
          event: 'RunError',
          created_at: expect.any(Number),
          agent_id: 'tenant-agent',
          agent_name: 'Per-tenant assistant',
          run_id: run.run_id,
          content: 'The database is unavailable; retry shortly',
          error_type: 'STORE_UNAVAILABLE',
          detail: 'The database is unavailable; retry shortly',
          code: 'STORE_UNAVAILABLE',
        },
      },
    ]);
  });
});

describe('the outer app answers every unmatched request in JSON', () => {
  it('404 NOT_FOUND for an unknown path, 405 METHOD_NOT_ALLOWED with Allow for a known one', async () => {
    const { os } = seedOS();
    const unknown = await os.fetch(new Request('http://x/nope'));
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ detail: 'No route GET /nope', code: 'NOT_FOUND' });

    // Regression: a trailing slash (or `..` resolved to one) is another path, not a 405.
    expect((await os.fetch(new Request('http://x/agents/tenant-agent/'))).status).toBe(404);

    const wrong = await os.fetch(new Request('http://x/sessions/s1/rename', { method: 'GET' }));
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('POST');
    expect(await wrong.json()).toEqual({
      detail: 'GET is not allowed on /sessions/s1/rename; use POST',
      code: 'METHOD_NOT_ALLOWED',
    });
  });
});
