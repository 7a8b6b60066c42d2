import type { RunErrorInfo, RunMetrics, RunPause } from '@agentmint/core';
import { defineEntity, p } from '@mikro-orm/core';
import { SessionEntity } from './sessionEntity.ts';

/** `agentmint_runs`: one request to an agent; written RUNNING before the model is called. */
export const RunEntity = defineEntity({
  name: 'AgentMintRun',
  tableName: 'agentmint_runs',
  properties: {
    id: p.string().primary(),
    // The (session_id, seq) index below also serves the foreign key.
    session: () => p.manyToOne(SessionEntity).deleteRule('cascade').index(false),
    /** Position of the run in its session (1, 2, …): orders history exactly, even within one millisecond. */
    seq: p.integer(),
    agentId: p.string(),
    userId: p.string().nullable(),
    status: p.string().length(16),
    /** What a PAUSED run waits for: its pending tool calls and the tokens used so far. */
    pause: p.json<RunPause>().nullable(),
    input: p.text(),
    factoryInput: p.json<unknown>().nullable(),
    content: p.text().nullable(),
    /** The validated structured answer of an agent with an `outputSchema`. */
    output: p.json<unknown>().nullable(),
    model: p.string().nullable(),
    modelProvider: p.string().nullable(),
    metrics: p.json<RunMetrics>().nullable(),
    error: p.json<RunErrorInfo>().nullable(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
    /** The process executing the run (its lease); null on rows from before leases. */
    ownerId: p.string().length(64).nullable(),
    /** Until when that process vouches for the run; past it, any process ends the run RUN_INTERRUPTED. */
    leaseExpiresAt: p.datetime().nullable(),
  },
  // Only what the store's queries use: every index is one more B-tree each run writes twice. A
  // session's runs and history by (session, seq); the sweep's question (which unfinished runs'
  // leases expired) by (status, leaseExpiresAt); SQLite's migration keeps only unfinished runs in
  // it (a partial index). Listing runs by agent or user alone scans.
  indexes: [{ properties: ['status', 'leaseExpiresAt'] }, { properties: ['session', 'seq'] }],
});
