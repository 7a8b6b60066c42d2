import { defineEntity, p } from '@mikro-orm/core';

/** `agentmint_sessions`: one conversation with an agent, owned by a user (or anonymous when null). */
export const SessionEntity = defineEntity({
  name: 'AgentMintSession',
  tableName: 'agentmint_sessions',
  properties: {
    id: p.string().primary(),
    agentId: p.string(),
    userId: p.string().nullable(),
    name: p.text().nullable(),
    state: p.json<Record<string, unknown>>(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
    /** The session this one was forked from; a plain id, not a foreign key (the source may go). */
    forkedFromSessionId: p.string().nullable(),
  },
  // listSessions: by owner (or agent), newest activity first.
  indexes: [{ properties: ['userId', 'updatedAt'] }, { properties: ['agentId', 'updatedAt'] }],
});
