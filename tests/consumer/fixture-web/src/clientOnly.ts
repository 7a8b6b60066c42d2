// A page with only the typed client: its gzip size is what @agentmint/client costs a front end.
import { createAgentClient } from '@agentmint/client';
import type { AppRouter } from './router.ts';

const client = createAgentClient<AppRouter>({ url: '/trpc' });
const output = document.querySelector('output');
for await (const event of client.agents['research-agent'].stream({
  message: 'Trends?',
  factoryInput: { persona: 'skeptic', depth: 5 },
})) {
  if (event.event === 'RunContent' && output) output.textContent += event.content;
}
