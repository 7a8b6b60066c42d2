import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_ID_LENGTH } from '@agentmint/core';
import { SqliteDb } from '@agentmint/db';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { probeAgents, strictInput } from '../support/agents.ts';
import { form, jsonBody, restFailure, trpcCall } from '../support/http.ts';
import { scaled } from '../support/scale.ts';
import { closeServers, recordingLogger, startOS } from '../support/servers.ts';

// Contract §3 and §6: hostile `factory_input` and bodies get a 4xx with a stable code, never a
// 500, never reach a factory, and leave no trace on shared prototypes.

const STABLE_4XX: Readonly<Record<number, readonly string[]>> = {
  400: ['BAD_REQUEST', 'FACTORY_VALIDATION'],
  404: ['AGENT_NOT_FOUND', 'NOT_FOUND'],
  413: ['PAYLOAD_TOO_LARGE'],
  415: ['UNSUPPORTED_MEDIA_TYPE'],
};

const dir = mkdtempSync(join(tmpdir(), 'agentmint-badinput-'));
const db = new SqliteDb({ dbFile: join(dir, 'bad-input.db') });
const probe = probeAgents({ db });
const logger = recordingLogger();
let url = '';
const prototypeKeys = {
  object: Reflect.ownKeys(Object.prototype),
  array: Reflect.ownKeys(Array.prototype),
  function: Reflect.ownKeys(Function.prototype),
};

beforeAll(async () => {
  ({ url } = await startOS({ agents: probe.agents, logger }));
});
afterAll(async () => {
  await closeServers();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  probe.seen.length = 0;
});

type Verdict = { ok: true; input: unknown } | { ok: false };

/** What the contract says `raw` becomes on `strict-agent` (schema) or `raw-agent` (none). */
function oracle(raw: unknown, schema: boolean): Verdict {
  let value = raw;
  if (value === undefined || value === null)
    return schema ? parsed({}) : { ok: true, input: undefined };
  if (typeof value === 'string') {
    if (value.trim() === '') return schema ? parsed({}) : { ok: true, input: undefined };
    try {
      value = JSON.parse(value);
    } catch {
      return { ok: false };
    }
  }
  const plain =
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    [Object.prototype, null].includes(Object.getPrototypeOf(value));
  if (!plain) return { ok: false };
  return schema ? parsed(value) : { ok: true, input: value };
}

function withoutProtoKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutProtoKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== '__proto__')
      .map(([key, child]) => [key, withoutProtoKeys(child)]),
  );
}

function parsed(value: unknown): Verdict {
  const result = strictInput.safeParse(value);
  return result.success ? { ok: true, input: result.data } : { ok: false };
}

/** Shared-prototype integrity: nothing a request sent may show up on every object. */
function expectNoPollution(): void {
  const probeObject: Record<string, unknown> = {};
  for (const key of ['polluted', 'isAdmin', 'scopes', 'role', 'message']) {
    expect(probeObject[key], `({}).${key}`).toBeUndefined();
  }
  expect(Reflect.ownKeys(Object.prototype)).toEqual(prototypeKeys.object);
  expect(Reflect.ownKeys(Array.prototype)).toEqual(prototypeKeys.array);
  expect(Reflect.ownKeys(Function.prototype)).toEqual(prototypeKeys.function);
}

async function expectHealthy(): Promise<void> {
  expect((await fetch(`${url}/health`)).status).toBe(200);
  const response = await fetch(`${url}/agents/strict-agent/runs`, {
    method: 'POST',
    body: form({ message: 'still there?', stream: 'false', factory_input: '{"depth":2}' }),
  });
  expect(response.status).toBe(200);
  expect(await jsonBody(response)).toMatchObject({ status: 'COMPLETED' });
}

type Transport = 'json' | 'multipart' | 'urlencoded' | 'trpc';

/** Sends `factoryInput` to `agentId` the way a client of `transport` would. */
async function sendFactoryInput(
  transport: Transport,
  agentId: string,
  factoryInput: unknown,
): Promise<{ status: number; code: string | undefined; run: Record<string, unknown> | undefined }> {
  if (transport === 'trpc') {
    const result = await trpcCall({
      url,
      path: `agents.${agentId}.run`,
      type: 'mutation',
      input: { message: 'hi', factoryInput },
    });
    return {
      status: result.status,
      code: result.error?.data.agentmintCode,
      run: result.result as Record<string, unknown> | undefined,
    };
  }
  let init: RequestInit;
  if (transport === 'json') {
    init = {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ message: 'hi', stream: false, factory_input: factoryInput }),
    };
  } else {
    const text = typeof factoryInput === 'string' ? factoryInput : JSON.stringify(factoryInput);
    const fields = {
      message: 'hi',
      stream: 'false',
      ...(text !== undefined && { factory_input: text }),
    };
    init = { body: transport === 'multipart' ? form(fields) : new URLSearchParams(fields) };
  }
  const response = await fetch(`${url}/agents/${agentId}/runs`, { method: 'POST', ...init });
  const body = await jsonBody<Record<string, unknown>>(response);
  return {
    status: response.status,
    code: typeof body.code === 'string' ? body.code : undefined,
    run: response.ok ? body : undefined,
  };
}

// Keys that have broken JavaScript servers before, plus the fields the schema knows.
const hostileKey = fc.constantFrom(
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  '__defineGetter__',
  'polluted',
  'persona',
  'depth',
  'tags',
);
const hostileObject = fc.dictionary(
  fc.oneof(hostileKey, fc.string()),
  fc.jsonValue({ maxDepth: 3 }),
  {
    maxKeys: 6,
  },
);
const hugeNumber = fc.oneof(
  fc.constantFrom(1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 2 ** 53, -0, 5e-324, 1.5),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);
const schemaShaped = fc.record(
  {
    persona: fc.oneof(fc.constantFrom('analyst', 'advisor', 'skeptic', 'pirate', ''), fc.string()),
    depth: fc.oneof(fc.integer({ min: -5, max: 15 }), hugeNumber, fc.string(), fc.constant(null)),
    tags: fc.oneof(fc.array(fc.string({ maxLength: 50 }), { maxLength: 10 }), fc.jsonValue()),
  },
  { requiredKeys: [] },
);
const nonObject = fc.oneof(
  fc.integer(),
  hugeNumber,
  fc.boolean(),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 5 }),
  fc.string({ maxLength: 30 }),
  fc.constantFrom('[]', '1e999', 'true', '"x"', '{', '{"a":', 'null', ' ', '{"__proto__":1}'),
);
const factoryInputs = fc.oneof(
  nonObject,
  hostileObject,
  schemaShaped,
  fc.jsonValue({ maxDepth: 4 }),
);
const transports = fc.constantFrom<Transport>('json', 'multipart', 'urlencoded', 'trpc');

describe('hostile factory_input (property-based, REST and tRPC)', () => {
  it('is accepted exactly when the contract says so; otherwise 400 FACTORY_VALIDATION and no factory call', async () => {
    await fc.assert(
      fc.asyncProperty(
        transports,
        fc.constantFrom('strict-agent', 'raw-agent'),
        factoryInputs,
        async (transport, agentId, input) => {
          // JSON bodies cannot carry `undefined`; forms carry strings. Judge what is actually sent.
          const sent = JSON.parse(JSON.stringify({ v: input }) ?? '{}').v as unknown;
          // Forms carry text: the oracle judges the string the server actually receives.
          const onWire =
            transport === 'multipart' || transport === 'urlencoded'
              ? typeof sent === 'string'
                ? sent
                : JSON.stringify(sent)
              : sent;
          const verdict = oracle(onWire, agentId === 'strict-agent');
          const before = probe.calls();
          const outcome = await sendFactoryInput(transport, agentId, sent);
          expect(outcome.status, `${transport} ${JSON.stringify(sent)}`).toBeLessThan(500);
          if (verdict.ok) {
            expect(outcome.status).toBe(200);
            expect(probe.calls()).toBe(before + 1);
            // tRPC's JSON parsing drops `__proto__` keys; REST keeps them as plain data. Both are safe.
            const expected =
              transport === 'trpc' && typeof sent !== 'string'
                ? withoutProtoKeys(verdict.input)
                : verdict.input;
            expect(probe.seen.at(-1)?.input).toEqual(expected);
          } else {
            expect(outcome.status).toBe(400);
            expect(outcome.code).toBe('FACTORY_VALIDATION');
            expect(probe.calls()).toBe(before);
          }
        },
      ),
      { numRuns: scaled(150, 20) },
    );
    expectNoPollution();
    await expectHealthy();
  });

  it('never lets __proto__ / constructor.prototype keys reach a prototype', async () => {
    const payloads = [
      '{"__proto__":{"polluted":"yes","isAdmin":true}}',
      '{"constructor":{"prototype":{"polluted":"yes"}}}',
      '{"a":{"__proto__":{"polluted":"yes"}},"b":[{"__proto__":{"scopes":["agent_os:admin"]}}]}',
      '{"__proto__":{"__proto__":{"polluted":"deep"}}}',
      '{"prototype":{"polluted":"yes"},"toString":"boom","valueOf":1}',
    ];
    for (const transport of ['json', 'multipart', 'urlencoded'] as const) {
      for (const payload of payloads) {
        const body =
          transport === 'json'
            ? `{"message":"hi","stream":false,"factory_input":${payload}}`
            : transport === 'multipart'
              ? form({ message: 'hi', stream: 'false', factory_input: payload })
              : new URLSearchParams({ message: 'hi', stream: 'false', factory_input: payload });
        const response = await fetch(`${url}/agents/raw-agent/runs`, {
          method: 'POST',
          ...(transport === 'json' && { headers: { 'content-type': 'application/json' } }),
          body,
        });
        expect(response.status, `${transport} ${payload}`).toBe(200);
        const input = probe.seen.at(-1)?.input as Record<string, unknown>;
        // The key arrives as data (an own property), never as the object's prototype.
        expect(Object.getPrototypeOf(input)).toBe(Object.prototype);
        expect(input.polluted).toBeUndefined();
        expect(Object.isFrozen(input)).toBe(true);
      }
      // A whole JSON body whose only fields hide behind __proto__ is missing its message.
      const hidden = await fetch(`${url}/agents/raw-agent/runs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"__proto__":{"message":"hi","stream":false}}',
      });
      expect(await restFailure(hidden)).toMatchObject({ status: 400, code: 'BAD_REQUEST' });
    }
    // tRPC: the same keys in the input, and in superjson's meta paths.
    const trpcBodies = [
      '{"json":{"message":"hi","factoryInput":{"__proto__":{"polluted":"yes"}}}}',
      '{"json":{"message":"hi","factoryInput":{"a":"2020-01-01T00:00:00.000Z"}},"meta":{"values":{"__proto__.polluted":["Date"]}}}',
      '{"json":{"message":"hi","factoryInput":{"a":1}},"meta":{"values":{"factoryInput.__proto__":["set"]}}}',
      '{"json":{"message":"hi","factoryInput":{"a":{}}},"meta":{"referentialEqualities":{"factoryInput.a":["__proto__"]}}}',
      '{"json":{"message":"hi","factoryInput":{"a":1}},"meta":{"values":{"constructor.prototype.polluted":["undefined"]}}}',
    ];
    for (const rawBody of trpcBodies) {
      const result = await trpcCall({
        url,
        path: 'agents.raw-agent.run',
        type: 'mutation',
        rawBody,
      });
      expect(result.status, rawBody).toBeLessThan(500);
    }
    expectNoPollution();
    await expectHealthy();
  });

  it('refuses factory_input nested deeper than 64 levels with 400, without blowing the stack', async () => {
    for (const depth of [64, 65, 1_000, 20_000, 100_000]) {
      const nested = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
      for (const agentId of ['raw-agent', 'strict-agent']) {
        const before = probe.calls();
        const responses = [
          await fetch(`${url}/agents/${agentId}/runs`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: `{"message":"hi","stream":false,"factory_input":${nested}}`,
          }),
          await fetch(`${url}/agents/${agentId}/runs`, {
            method: 'POST',
            body: form({ message: 'hi', stream: 'false', factory_input: nested }),
          }),
        ];
        const trpc = await trpcCall({
          url,
          path: `agents.${agentId}.run`,
          type: 'mutation',
          rawBody: `{"json":{"message":"hi","factoryInput":${nested}}}`,
        });
        const what = `depth ${depth} on ${agentId}`;
        if (depth <= 64) {
          for (const response of responses) expect(response.status, what).toBe(200);
          expect(trpc.status, what).toBe(200);
          expect(probe.calls()).toBe(before + 3);
          await Promise.all(responses.map((r) => r.body?.cancel()));
          continue;
        }
        for (const response of responses) {
          expect(await restFailure(response), what).toMatchObject({
            status: 400,
            code: 'FACTORY_VALIDATION',
          });
        }
        expect(trpc.status, what).toBe(400);
        expect(trpc.error?.data.agentmintCode, what).toBe('FACTORY_VALIDATION');
        expect(probe.calls(), what).toBe(before);
      }
    }
    await expectHealthy();
  });
});

describe('hostile bodies', () => {
  it('random bytes under any content type: a stable 4xx, never a 500', async () => {
    const contentTypes = fc.oneof(
      fc.constantFrom(
        'application/json',
        'application/json; charset=utf-8',
        'multipart/form-data',
        'multipart/form-data; boundary=xyz',
        'application/x-www-form-urlencoded',
        'text/plain',
        'application/xml',
        'application/octet-stream',
        'image/png',
        'text/html; charset=latin1',
      ),
      fc.string({ maxLength: 40 }).filter((s) => /^[\x20-\x7e]*$/.test(s)),
    );
    const bodies = fc.oneof(
      fc.uint8Array({ maxLength: 512 }),
      // Invalid UTF-8 inside otherwise well-formed bodies.
      fc
        .uint8Array({ minLength: 1, maxLength: 8 })
        .map((bad) =>
          Buffer.concat([
            Buffer.from('{"message":"hi","stream":false,"factory_input":{"persona":"'),
            Buffer.from([0xff, 0xfe, 0xc3, ...bad]),
            Buffer.from('"}}'),
          ]),
        ),
      fc
        .uint8Array({ minLength: 1, maxLength: 8 })
        .map((bad) =>
          Buffer.concat([
            Buffer.from('message='),
            Buffer.from([0xc0, 0x80, ...bad]),
            Buffer.from('&stream=false'),
          ]),
        ),
    );
    await fc.assert(
      fc.asyncProperty(
        contentTypes,
        bodies,
        fc.constantFrom('strict-agent', 'raw-agent', 'plain-agent', 'no-such-agent'),
        async (contentType, bytes, agentId) => {
          const before = probe.calls();
          const response = await fetch(`${url}/agents/${agentId}/runs`, {
            method: 'POST',
            headers: { 'content-type': contentType },
            body: new Uint8Array(bytes),
          });
          const body = await jsonBody<Record<string, unknown>>(response);
          expect(
            response.status,
            `${contentType} ${Buffer.from(bytes).toString('hex')}`,
          ).toBeLessThan(500);
          if (response.status >= 400) {
            expect(STABLE_4XX[response.status]).toContain(body.code);
            expect(probe.calls()).toBe(before);
          }
        },
      ),
      { numRuns: scaled(200, 20) },
    );
    await expectHealthy();
  });

  it('answers 415 to content types it does not read', async () => {
    for (const type of ['text/plain', 'application/xml', 'application/octet-stream', 'image/png']) {
      const response = await fetch(`${url}/agents/raw-agent/runs`, {
        method: 'POST',
        headers: { 'content-type': type },
        body: 'message=hi',
      });
      expect(await restFailure(response)).toMatchObject({
        status: 415,
        code: 'UNSUPPORTED_MEDIA_TYPE',
      });
    }
    expect(probe.calls()).toBe(0);
  });

  it('answers 400 to broken multipart bodies', async () => {
    const part = (name: string, value: string, boundary = 'b0undary') =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
    const cases: { type: string; body: string | FormData }[] = [
      { type: 'multipart/form-data', body: `${part('message', 'hi')}--b0undary--\r\n` },
      {
        type: 'multipart/form-data; boundary=other',
        body: `${part('message', 'hi')}--b0undary--\r\n`,
      },
      { type: 'multipart/form-data; boundary=b0undary', body: part('message', 'hi') },
      { type: 'multipart/form-data; boundary=b0undary', body: '--b0undary\r\nno headers here' },
      { type: 'multipart/form-data; boundary=b0undary', body: '' },
      {
        type: 'multipart/form-data; boundary=b0undary',
        body: `--b0undary\r\nContent-Disposition: form-data; name="message"; filename="m.txt"\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b0undary--\r\n`,
      },
    ];
    for (const { type, body } of cases) {
      const response = await fetch(`${url}/agents/raw-agent/runs`, {
        method: 'POST',
        headers: { 'content-type': type },
        body,
      });
      expect(await restFailure(response), `${type} ${JSON.stringify(body)}`).toMatchObject({
        status: 400,
        code: 'BAD_REQUEST',
      });
    }
    // A file where factory_input belongs is not an object either.
    const withFile = new FormData();
    withFile.append('message', 'hi');
    withFile.append('stream', 'false');
    withFile.append('factory_input', new Blob(['{"depth":2}']), 'input.json');
    const response = await fetch(`${url}/agents/strict-agent/runs`, {
      method: 'POST',
      body: withFile,
    });
    expect(await restFailure(response)).toMatchObject({ status: 400, code: 'FACTORY_VALIDATION' });
    expect(probe.calls()).toBe(0);
    await expectHealthy();
  });

  it('answers 400 to hostile envelope fields (REST and tRPC)', async () => {
    const jsonCases: unknown[] = [
      [],
      42,
      'null',
      { message: 42 },
      { message: '' },
      { message: { toString: 'hi' } },
      { message: 'hi', stream: 'maybe' },
      { message: 'hi', session_id: 7 },
      { message: 'hi', session_id: 'x'.repeat(MAX_ID_LENGTH + 1) },
      { message: 'hi', user_id: { $ne: null } },
      { message: 'hi', user_id: ['a', 'b'] },
    ];
    for (const body of jsonCases) {
      const response = await fetch(`${url}/agents/raw-agent/runs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(await restFailure(response), JSON.stringify(body)).toMatchObject({
        status: 400,
        code: 'BAD_REQUEST',
      });
    }
    const trpcInputs: unknown[] = [
      null,
      42,
      'hi',
      [],
      { message: 42 },
      { message: '' },
      { message: 'hi', sessionId: 7 },
      { message: 'hi', userId: 'x'.repeat(MAX_ID_LENGTH + 1) },
      { message: 'hi', sessionId: '' },
    ];
    for (const input of trpcInputs) {
      const result = await trpcCall({ url, path: 'agents.raw-agent.run', type: 'mutation', input });
      expect(result.status, JSON.stringify(input)).toBe(400);
      expect(result.error?.data.agentmintCode).toBe('BAD_REQUEST');
    }
    for (const rawBody of ['', 'not json', '{"json":', '\u0000', '{"json":{"message":""}}']) {
      const result = await trpcCall({
        url,
        path: 'agents.raw-agent.run',
        type: 'mutation',
        rawBody,
      });
      expect(result.status, rawBody).toBeGreaterThanOrEqual(400);
      expect(result.status, rawBody).toBeLessThan(500);
    }
    expect(probe.calls()).toBe(0);
    await expectHealthy();
  });
});

describe('oversized bodies', () => {
  const tenMegabytes = 'x'.repeat(10 * 1024 * 1024);

  it('answers 413 PAYLOAD_TOO_LARGE to 10 MB strings on every route and encoding', async () => {
    const requests: { what: string; init: RequestInit; path: string }[] = [
      {
        what: 'JSON message',
        path: '/agents/raw-agent/runs',
        init: {
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ message: tenMegabytes }),
        },
      },
      {
        what: 'multipart factory_input',
        path: '/agents/strict-agent/runs',
        init: { body: form({ message: 'hi', factory_input: `{"persona":"${tenMegabytes}"}` }) },
      },
      {
        what: 'urlencoded message',
        path: '/agents/raw-agent/runs',
        init: { body: new URLSearchParams({ message: tenMegabytes }) },
      },
      {
        what: 'chunked body without content-length',
        path: '/agents/raw-agent/runs',
        init: {
          headers: { 'content-type': 'application/json' },
          body: new Blob([`{"message":"${tenMegabytes}"}`]).stream(),
          duplex: 'half',
        } as RequestInit,
      },
      {
        what: 'tRPC mutation',
        path: '/trpc/agents.raw-agent.run',
        init: {
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ json: { message: tenMegabytes } }),
        },
      },
      {
        what: 'session rename',
        path: '/sessions/s1/rename',
        init: {
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ session_name: tenMegabytes }),
        },
      },
    ];
    for (const { what, path, init } of requests) {
      const response = await fetch(`${url}${path}`, { method: 'POST', ...init });
      expect(response.status, what).toBe(413);
      const text = await response.text();
      if (!path.startsWith('/trpc'))
        expect(JSON.parse(text), what).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    }
    expect(probe.calls()).toBe(0);
    await expectHealthy();
  });
});

describe('after all of it', () => {
  it('logged no unexpected server error and left the prototypes alone', async () => {
    expectNoPollution();
    await expectHealthy();
    expect(logger.errors.filter((m) => !m.startsWith('factory'))).toEqual([]);
  });
});
