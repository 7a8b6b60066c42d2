import {
  Agent,
  AgentFactory,
  FactoryPermissionError,
  type Model,
  type Store,
  type Tool,
  tool,
} from '@agentmint/core';
import { z } from 'zod';

const readDocs = tool({
  name: 'read_docs',
  description: 'Read a document of the workspace by title.',
  parameters: z.object({ title: z.string() }),
  execute: ({ title }, { ctx }) =>
    `Contents of '${title}' (workspace of ${ctx.userId ?? 'unknown'})`,
});

const writeDocs = tool({
  name: 'write_docs',
  description: 'Write a document of the workspace.',
  parameters: z.object({ title: z.string(), body: z.string() }),
  // The run pauses (PAUSED, RunPaused) until a human approves or rejects the write (continue).
  requiresConfirmation: true,
  execute: ({ title }) => `Saved '${title}'`,
});

const manageMembers = tool({
  name: 'manage_members',
  description: 'Add or remove a workspace member.',
  parameters: z.object({ action: z.enum(['add', 'remove']), member: z.string() }),
  execute: ({ action, member }) => `${action === 'add' ? 'Added' : 'Removed'} ${member}`,
});

const ROLES = ['viewer', 'editor', 'admin'] as const;

/** The seed's JWT role factory: tools follow the verified `role` claim; no role → 403. */
export function workspaceAgent(db: Store, model: () => Model) {
  return new AgentFactory({
    id: 'workspace-agent',
    db,
    name: 'Workspace agent',
    description: 'Tools depend on the verified JWT role claim (viewer, editor, admin).',
    factory: (ctx) => {
      const role = ctx.trusted.claims.role;
      if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) {
        throw new FactoryPermissionError(
          'A verified role claim (viewer, editor or admin) is required',
        );
      }
      const tools: Tool[] = [readDocs];
      if (role === 'editor' || role === 'admin') tools.push(writeDocs);
      if (role === 'admin') tools.push(manageMembers);
      return new Agent({
        model: model(),
        db,
        tools,
        instructions: `You help a workspace ${role}. Use the tools you have.`,
      });
    },
  });
}
