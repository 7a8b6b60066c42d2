import { afterEach, describe, expect, it } from 'vitest';
import type { AgentOSOptions, ServerHandle } from '../src/index.ts';
import { readSSE, seedOS } from './fixtures.ts';

const servers: ServerHandle[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close({ graceMs: 100 })));
});

const APP = 'http://app.example.test:5173';
const OTHER = 'http://evil.example.test';

async function start(options: Partial<AgentOSOptions<readonly []>> = {}) {
  const server = await seedOS(options).os.serve({ port: 0 });
  servers.push(server);
  return server.url;
}

/** What a browser sends before a cross-origin JSON POST with a bearer token. */
function preflight(url: string, origin: string, method = 'POST') {
  return fetch(url, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': method,
      'access-control-request-headers': 'content-type,authorization',
    },
  });
}

describe('CORS (AgentOSOptions.cors)', () => {
  it('is off by default: no CORS headers, a preflight is not answered as one', async () => {
    const url = await start();
    const answer = await preflight(`${url}/trpc/agents.tenant-agent.run`, APP);
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    expect(answer.status).not.toBe(204);
    const list = await fetch(`${url}/trpc/agents.list`, { headers: { origin: APP } });
    expect(list.status).toBe(200);
    expect(list.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers the /trpc preflight for content-type and authorization from an allowed origin', async () => {
    const url = await start({ cors: { origins: [APP], maxAge: 120 } });
    const answer = await preflight(`${url}/trpc/agents.tenant-agent.run`, APP);
    expect(answer.status).toBe(204);
    expect(answer.headers.get('access-control-allow-origin')).toBe(APP);
    expect(answer.headers.get('access-control-allow-methods')).toContain('POST');
    expect(answer.headers.get('access-control-allow-headers')).toBe('content-type,authorization');
    expect(answer.headers.get('access-control-max-age')).toBe('120');
    expect(answer.headers.get('vary')).toContain('Origin');
  });

  it('refuses an origin not on the list (no allow-origin header, so the browser blocks it)', async () => {
    const url = await start({ cors: { origins: [APP] } });
    const answer = await preflight(`${url}/trpc/agents.tenant-agent.run`, OTHER);
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    const list = await fetch(`${url}/trpc/agents.list`, { headers: { origin: OTHER } });
    expect(list.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('adds the headers to tRPC queries, mutations and SSE streams', async () => {
    const url = await start({ cors: { origins: [APP] } });
    const list = await fetch(`${url}/trpc/agents.list`, { headers: { origin: APP } });
    expect(list.status).toBe(200);
    expect(list.headers.get('access-control-allow-origin')).toBe(APP);
    expect(list.headers.get('access-control-expose-headers')).toBe('Retry-After,Mcp-Session-Id');

    const run = await fetch(`${url}/trpc/agents.tenant-agent.start`, {
      method: 'POST',
      headers: { origin: APP, 'content-type': 'application/json' },
      body: JSON.stringify({ json: { message: 'hi' } }),
    });
    expect(run.status).toBe(200);
    expect(run.headers.get('access-control-allow-origin')).toBe(APP);

    const { runId } = (await run.json()).result.data.json as { runId: string };
    const watchInput = encodeURIComponent(JSON.stringify({ json: { runId } }));
    const stream = await fetch(`${url}/trpc/runs.watch?input=${watchInput}`, {
      headers: { origin: APP },
    });
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    expect(stream.headers.get('access-control-allow-origin')).toBe(APP);
    const events = await readSSE(stream);
    expect(events.some((event) => event.data !== undefined)).toBe(true);
  });

  it("gives the same CORS headers on serve()'s node:http /trpc path as through the fetch handler", async () => {
    const { os } = seedOS({ cors: { origins: [APP], credentials: true } });
    const viaFetch = await os.serve({ port: 0, fetch: os.fetch });
    servers.push(viaFetch);
    const node = await start({ cors: { origins: [APP], credentials: true } });
    const cors = (answer: Response) =>
      [...answer.headers].filter(([name]) => name.startsWith('access-control-') || name === 'vary');
    for (const origin of [APP, OTHER]) {
      const [a, b] = await Promise.all(
        [node, viaFetch.url].map((url) =>
          fetch(`${url}/trpc/agents.list`, { headers: { origin } }),
        ),
      );
      expect(cors(a!)).toEqual(cors(b!));
    }
  });

  it('covers the REST routes, preflight and errors included', async () => {
    const url = await start({ cors: { origins: [APP] } });
    const answer = await preflight(`${url}/agents/tenant-agent/runs`, APP);
    expect(answer.status).toBe(204);
    expect(answer.headers.get('access-control-allow-origin')).toBe(APP);
    const agents = await fetch(`${url}/agents`, { headers: { origin: APP } });
    expect(agents.status).toBe(200);
    expect(agents.headers.get('access-control-allow-origin')).toBe(APP);
    const missing = await fetch(`${url}/agents/no-such-agent`, { headers: { origin: APP } });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('access-control-allow-origin')).toBe(APP);
  });

  it("accepts '*' and a predicate; credentials echo the origin (browsers refuse '*' with them)", async () => {
    const any = await start({ cors: { origins: '*', credentials: true } });
    const answer = await fetch(`${any}/trpc/agents.list`, { headers: { origin: OTHER } });
    expect(answer.headers.get('access-control-allow-origin')).toBe(OTHER);
    expect(answer.headers.get('access-control-allow-credentials')).toBe('true');

    const local = await start({
      cors: { origins: (origin) => origin.endsWith('.example.test:5173') },
    });
    const allowed = await fetch(`${local}/trpc/agents.list`, { headers: { origin: APP } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe(APP);
    const refused = await fetch(`${local}/trpc/agents.list`, { headers: { origin: OTHER } });
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
  });
});
