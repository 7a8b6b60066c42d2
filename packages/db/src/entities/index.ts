import type { InferKyselyDB } from '@mikro-orm/sql';
import { MessageEntity } from './messageEntity.ts';
import { RunEntity } from './runEntity.ts';
import { RunEventEntity } from './runEventEntity.ts';
import { SessionEntity } from './sessionEntity.ts';

export { MessageEntity, RunEntity, RunEventEntity, SessionEntity };

/** Every entity of the store, in dependency order. */
export const entities = [SessionEntity, RunEntity, RunEventEntity, MessageEntity] as const;

/** The tables as Kysely sees them (snake_case columns), inferred from the entities. */
export type AgentMintTables = InferKyselyDB<(typeof entities)[number]>;
