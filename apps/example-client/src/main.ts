import { createAgentClient, isAgentMintClientError } from '@agentmint/client';
import type { AppRouter } from '../../server/src/createServerOS.ts';
import { runExamples } from './examples.ts';

// Start the server first (`pnpm start` at the repo root), then: pnpm --filter @agentmint/example-client start
const url = process.env.AGENTMINT_URL ?? 'http://127.0.0.1:7777/trpc';
const client = createAgentClient<AppRouter>({
  url,
  // Only needed when the server runs with AGENTMINT_JWT_SECRET; read per request, so it may change.
  token: () => process.env.AGENTMINT_TOKEN,
});

try {
  await runExamples(client, {
    line: (text) => console.log(text),
    write: (text) => process.stdout.write(text),
  });
} catch (error) {
  if (isAgentMintClientError(error) && error.code === 'NETWORK_ERROR') {
    console.error(
      `No AgentMint server at ${url}: start one with \`pnpm start\` (or set AGENTMINT_URL).`,
    );
  } else {
    console.error(error);
  }
  process.exitCode = 1;
}
