import { describe, expect, it } from 'vitest';
import {
  type PendingToolCall,
  planContinue,
  type RunRecord,
  type RunStatus,
} from '../src/index.ts';

const confirm: PendingToolCall = {
  toolCallId: 'c1',
  toolName: 'delete_file',
  toolArgs: { path: '/x' },
  requiresConfirmation: true,
  externalExecutionRequired: false,
};
const external: PendingToolCall = {
  toolCallId: 'c2',
  toolName: 'local_weather',
  toolArgs: {},
  requiresConfirmation: false,
  externalExecutionRequired: true,
};

function record(status: RunStatus, pending: readonly PendingToolCall[] = []): RunRecord {
  return {
    runId: 'r1',
    sessionId: 's1',
    agentId: 'a',
    userId: 'u',
    input: 'hi',
    factoryInput: null,
    model: null,
    modelProvider: null,
    createdAt: new Date(0),
    status,
    pause: status === 'PAUSED' ? { pending, usage: { inputTokens: 0, outputTokens: 0 } } : null,
    content: null,
    output: null,
    metrics: null,
    error: null,
    messages: [],
    updatedAt: new Date(0),
  };
}

describe('planContinue (Agno dispatch on the stored run)', () => {
  it('maps confirmed, rejected and external results, ignoring echoed fields', () => {
    const plan = planContinue(record('PAUSED', [confirm, external]), {
      tools: [
        { toolCallId: 'c1', confirmed: false, confirmationNote: 'no' },
        { toolCallId: 'c2', result: '21 °C' },
      ],
    });
    expect(plan.from).toBe('PAUSED');
    expect([...plan.decisions]).toEqual([
      ['c1', { kind: 'rejected', note: 'no' }],
      ['c2', { kind: 'result', result: '21 °C' }],
    ]);
    const declined = planContinue(record('PAUSED', [external]), {
      tools: [{ toolCallId: 'c2', confirmed: false }],
    });
    expect(declined.decisions.get('c2')).toEqual({ kind: 'rejected', note: undefined });
  });

  it.each([
    ['a pending call without a decision', [], 'INVALID_TOOLS'],
    [
      'a call decided twice',
      [
        { toolCallId: 'c1', confirmed: true },
        { toolCallId: 'c1', confirmed: true },
      ],
      'INVALID_TOOLS',
    ],
    ['a confirmation without confirmed', [{ toolCallId: 'c1', result: 'x' }], 'INVALID_TOOLS'],
    ['an unknown call id', [{ toolCallId: 'zz', confirmed: true }], 'UNKNOWN_TOOL_CALL'],
  ])('refuses %s', (_what, tools, code) => {
    expect(() => planContinue(record('PAUSED', [confirm]), { tools })).toThrow(
      expect.objectContaining({ code }),
    );
  });

  it('refuses tools for a run that is not paused, and statuses that cannot go on', () => {
    for (const status of ['COMPLETED', 'RUNNING', 'ERROR', 'CANCELLED'] as const) {
      expect(() =>
        planContinue(record(status), { tools: [{ toolCallId: 'c1', confirmed: true }] }),
      ).toThrow(expect.objectContaining({ code: 'RUN_NOT_PAUSED', httpStatus: 409 }));
    }
    for (const status of ['RUNNING', 'PENDING', 'ERROR', 'CANCELLED'] as const) {
      expect(() => planContinue(record(status), { input: 'more' })).toThrow(
        expect.objectContaining({ code: 'RUN_NOT_CONTINUABLE', httpStatus: 409 }),
      );
    }
    expect(() => planContinue(record('COMPLETED'), {})).toThrow(
      expect.objectContaining({ code: 'BAD_REQUEST' }),
    );
    expect(planContinue(record('COMPLETED'), { input: 'more' })).toMatchObject({
      from: 'COMPLETED',
      input: 'more',
    });
  });
});
