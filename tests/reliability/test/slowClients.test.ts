import { connect, type Socket } from 'node:net';
import { InMemoryDb } from '@agentmint/core';
import { ScriptedModel } from '@agentmint/testing';
import { AgentOS, DEFAULT_REQUEST_TIMEOUT_MS } from '@agentmint/trpc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeAgents } from '../support/agents.ts';
import { form } from '../support/http.ts';
import { recordingLogger } from '../support/servers.ts';

// Issue #11: a trickled body or a Content-Length larger than the body held a connection for
// Node's 300 s default. Headers and the whole request now have read deadlines (default 30 s;
// 1 s here), after which the server answers 408 and closes the connection.

const TIMEOUT_MS = 1_000;
// Generous: the deadline plus Node's timer sweep, on a loaded machine. A connection the server
// never closed would still be open here (the clients below trickle for this whole time).
const GIVE_UP_MS = 20_000;

const model = new ScriptedModel();
const probe = probeAgents({ db: new InMemoryDb(), model });
const logger = recordingLogger();
const os = new AgentOS({ agents: probe.agents, logger });
let port = 0;
let url = '';

beforeAll(async () => {
  const server = await os.serve({ port: 0, requestTimeoutMs: TIMEOUT_MS });
  ({ port, url } = server);
});
afterAll(() => os.close({ graceMs: 100 }));

/** A raw connection that records what the server sends and when it closes. */
function rawClient(): { socket: Socket; received: () => string; closed: Promise<void> } {
  const socket = connect(port, '127.0.0.1');
  let data = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    data += chunk;
  });
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return { socket, received: () => data, closed };
}

/** Writes one byte every 100 ms until the socket closes or `GIVE_UP_MS` passes. */
async function trickle(socket: Socket, closed: Promise<void>, byte = 'a'): Promise<boolean> {
  let open = true;
  void closed.then(() => {
    open = false;
  });
  const deadline = Date.now() + GIVE_UP_MS;
  while (open && Date.now() < deadline) {
    if (!socket.destroyed) socket.write(byte);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return !open;
}

describe('slow clients cannot hold a connection', () => {
  it('defaults to 30 s', () => {
    expect(DEFAULT_REQUEST_TIMEOUT_MS).toBe(30_000);
  });

  it('a body trickled a byte at a time: 408 and closed', async () => {
    const client = rawClient();
    client.socket.write(
      'POST /agents/raw-agent/runs HTTP/1.1\r\nHost: x\r\n' +
        'Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\nmessage=',
    );
    expect(await trickle(client.socket, client.closed)).toBe(true);
    expect(client.received()).toMatch(/^HTTP\/1\.1 408/);
  });

  it('a Content-Length larger than the body sent: 408 and closed', async () => {
    const client = rawClient();
    client.socket.write(
      'POST /trpc/agents.raw-agent.run HTTP/1.1\r\nHost: x\r\n' +
        'Content-Type: application/json\r\nContent-Length: 500\r\n\r\n{"json":{"message":"hi"}}',
    );
    await Promise.race([client.closed, new Promise((r) => setTimeout(r, GIVE_UP_MS))]);
    expect(client.socket.destroyed || client.socket.readableEnded).toBe(true);
    expect(client.received()).toMatch(/^HTTP\/1\.1 408/);
  });

  it('headers trickled a line at a time: 408 and closed', async () => {
    const client = rawClient();
    client.socket.write('GET /agents HTTP/1.1\r\nHost: x\r\n');
    expect(await trickle(client.socket, client.closed, 'X-Slow: 1\r\n')).toBe(true);
    expect(client.received()).toMatch(/^HTTP\/1\.1 408/);
  });

  it('no factory ran for any of them, and honest requests still work, streams included', async () => {
    expect(probe.calls()).toBe(0);
    const response = await fetch(`${url}/agents/raw-agent/runs`, {
      method: 'POST',
      body: form({ message: 'hi', stream: 'false' }),
    });
    expect(response.status).toBe(200);
    // A response that lasts longer than the request deadline is not cut: the deadline is for
    // reading the request only.
    model.script({ text: 'a b c d e', deltas: 5, delayMs: TIMEOUT_MS / 2 });
    const stream = await fetch(`${url}/agents/raw-agent/runs`, {
      method: 'POST',
      body: form({ message: 'slow answer', stream: 'true' }),
    });
    expect(await stream.text()).toContain('event: RunCompleted');
  });
});
