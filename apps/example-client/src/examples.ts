import { type AgentClient, isForbidden, isUnauthenticated, type RunEvent } from '@agentmint/client';
import type { AppRouter } from '../../server/src/createServerOS.ts';

export type ServerClient = AgentClient<AppRouter>;

/** Where the examples print; stdout in `main.ts`, a buffer in the test. */
export interface Output {
  line(text: string): void;
  write(text: string): void;
}

/** research-agent builds a skeptic persona from `factoryInput`, checked at compile time. */
export async function researchWithPersona(client: ServerClient, out: Output): Promise<void> {
  const run = await client.agents['research-agent'].run({
    message: 'What are the latest trends in AI?',
    factoryInput: { persona: 'skeptic', depth: 5 },
  });
  out.line(`research-agent (${run.status}, ${run.model ?? 'no model'}):`);
  out.line(run.content ?? '(no content)');
}

/** tenant-agent streamed: progress on each event, the answer as it arrives. */
export async function streamTenant(client: ServerClient, out: Output): Promise<RunEvent[]> {
  const events: RunEvent[] = [];
  for await (const event of client.agents['tenant-agent'].stream({
    message: 'Hello, who are you?',
    userId: 'tenant_42',
  })) {
    events.push(event);
    out.write(describeEvent(event));
  }
  return events;
}

function describeEvent(event: RunEvent): string {
  switch (event.event) {
    case 'RunStarted':
      return `▶ run ${event.runId} on ${event.model}\n`;
    case 'RunContent':
      return event.content;
    case 'ToolCallStarted':
      return `\n  ⚙ ${event.tool.toolName}…`;
    case 'ToolCallCompleted':
    case 'ToolCallError':
      return ' done\n';
    case 'RunCompleted':
      return `\n✔ completed in ${event.metrics.duration.toFixed(2)} s, ${event.metrics.totalTokens} tokens\n`;
    case 'RunError':
      return `\n✖ ${event.error.code}: ${event.error.message}\n`;
    case 'RunCancelled':
      return `\n■ cancelled: ${event.reason}\n`;
    default:
      return '';
  }
}

/** triage-agent answers with a typed object: `run.output` is the agent's output schema, inferred. */
export async function triageTicket(client: ServerClient, out: Output): Promise<void> {
  const run = await client.agents['triage-agent'].run({
    message: 'The app crashes when I save a document.',
    factoryInput: { product: 'Docs' },
  });
  if (run.output === null) throw new Error(`triage-agent ended ${run.status} without output`);
  const { label, priority, summary } = run.output;
  out.line(`triage-agent: ${label}, priority ${priority}: ${summary}`);
}

/** workspace-agent needs a verified `role` claim; without one the factory answers 403. */
export async function workspaceWithoutRole(client: ServerClient, out: Output): Promise<boolean> {
  try {
    await client.agents['workspace-agent'].run({ message: 'List my documents.' });
    out.line('workspace-agent ran (this token carries a role claim).');
    return true;
  } catch (error) {
    if (isForbidden(error)) {
      out.line(`workspace-agent refused us (${error.code} ${error.httpStatus}): ${error.message}`);
      out.line('  → sign a token with a role: pnpm --filter @agentmint/server token --role viewer');
      return false;
    }
    throw error;
  }
}

/** Runs the examples in order; a 401 or an unreachable server ends them with a hint. */
export async function runExamples(client: ServerClient, out: Output): Promise<void> {
  try {
    await researchWithPersona(client, out);
    out.line('');
    await streamTenant(client, out);
    out.line('');
    await triageTicket(client, out);
    out.line('');
    await workspaceWithoutRole(client, out);
  } catch (error) {
    if (isUnauthenticated(error)) {
      out.line(`The server wants a token (${error.message}). Set AGENTMINT_TOKEN.`);
      return;
    }
    throw error;
  }
}
