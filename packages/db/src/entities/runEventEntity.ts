import type { RunEvent } from '@agentmint/core';
import { defineEntity, p } from '@mikro-orm/core';
import { RunEntity } from './runEntity.ts';

/** `agentmint_run_events`: every event a run emitted, for replay and resume; `(run_id, seq)` is the key. */
export const RunEventEntity = defineEntity({
  name: 'AgentMintRunEvent',
  tableName: 'agentmint_run_events',
  properties: {
    run: () => p.manyToOne(RunEntity).primary().deleteRule('cascade').index(false),
    seq: p.integer().primary(),
    name: p.string().length(32),
    payload: p.json<RunEvent>(),
  },
  primaryKeys: ['run', 'seq'],
});
