import { Agent, AgentFactory, InMemoryDb, tool } from '@agentmint/core';
import { ScriptedModel } from '@agentmint/testing';
import { z } from 'zod';

/**
 * `docs-agent` for the interface tests of human in the loop: "Measure …" makes the model call
 * `measure` (the client runs it), anything else `delete_doc` (a human approves it); after a tool
 * it answers `model saw: <the tool's result>`. `deleted` lists what really got deleted.
 */
export function hitlDocsAgent() {
  const deleted: string[] = [];
  const deleteDoc = tool({
    name: 'delete_doc',
    description: 'Deletes a document',
    parameters: z.object({ title: z.string() }),
    requiresConfirmation: true,
    execute: ({ title }) => {
      deleted.push(title);
      return `deleted ${title}`;
    },
  });
  const measure = tool({
    name: 'measure',
    description: 'Measures something only the client sees',
    parameters: z.object({ what: z.string() }),
    externalExecution: true,
  });
  const model = new ScriptedModel({
    fallback: (request) => {
      const last = request.messages.at(-1);
      if (last?.role !== 'user') return { text: `model saw: ${last?.content}` };
      return last.content.startsWith('Measure')
        ? { toolCalls: [{ name: 'measure', arguments: { what: 'screen' }, id: 'call_measure' }] }
        : { toolCalls: [{ name: 'delete_doc', arguments: { title: 'Plan' }, id: 'call_delete' }] };
    },
  });
  const agent = new AgentFactory({
    id: 'docs-agent',
    db: new InMemoryDb(),
    factory: () => new Agent({ model, tools: [deleteDoc, measure] }),
  });
  return { agent, model, deleted };
}
