import { corsFromEnv } from './corsFromEnv.ts';
import { createServerOS } from './createServerOS.ts';
import { dbFromEnv } from './dbFromEnv.ts';
import { devAuthFromEnv } from './devAuth.ts';
import { modelFromEnv } from './modelFromEnv.ts';
import { metricsFromEnv } from './observability/metricsFromEnv.ts';
import { runLog } from './observability/runLog.ts';
import { agentMintLogger, createServerPino } from './observability/serverLogger.ts';
import { telemetryFromEnv } from './observability/telemetryFromEnv.ts';
import { withPlayground } from './playground.ts';
import { maxRunsPerUserFromEnv } from './runLimitFromEnv.ts';

const port = Number(process.env.PORT ?? 7777);
const hostname = process.env.HOST ?? '127.0.0.1';

// First, so the SDK is registered before anything makes a span.
const telemetry = telemetryFromEnv();
const log = createServerPino();
const metrics = metricsFromEnv();
const models = await modelFromEnv();
const { db, description } = dbFromEnv();
const auth = devAuthFromEnv();
const cors = corsFromEnv();
const maxConcurrentRunsPerUser = maxRunsPerUserFromEnv();
const agentOS = createServerOS({
  db,
  model: models.model,
  maxConcurrentRunsPerUser,
  ...(auth && { auth }),
  ...(cors && { cors }),
  logger: agentMintLogger(log),
  instrumentation: runLog(log),
  ...(metrics && { metrics }),
});
const server = await agentOS.serve({ port, hostname, fetch: withPlayground(agentOS.fetch) });

console.log(`AgentMint AgentOS listening on ${server.url}`);
console.log(
  `  tRPC  ${server.url}/trpc   REST  ${server.url}/agents   health  ${server.url}/health`,
);
console.log(`  playground  ${server.url}/playground/`);
console.log(`  AG-UI ${server.url}/agui/{agentId}   MCP  ${server.url}/mcp`);
console.log(`  agents: ${[...agentOS.agents.keys()].join(', ')}`);
console.log(`  db:     ${description}`);
console.log(`  model:  ${models.description}`);
console.log(
  cors
    ? `  cors:   ${cors.origins === '*' ? 'any origin' : (cors.origins as readonly string[]).join(', ')}`
    : '  cors:   off (same origin only; set AGENTMINT_CORS_ORIGINS to allow other origins)',
);
console.log(
  `  traces: ${telemetry?.description ?? 'off (set OTEL_EXPORTER_OTLP_ENDPOINT to export)'}`,
);
console.log(
  `  metrics: ${metrics ? `${server.url}/metrics${metrics.token ? ' (Bearer AGENTMINT_METRICS_TOKEN)' : ''}` : 'off (AGENTMINT_METRICS=1 serves /metrics)'}`,
);
console.log(
  `  limits: ${maxConcurrentRunsPerUser} concurrent runs per user (AGENTMINT_MAX_RUNS_PER_USER)`,
);
console.log(
  auth
    ? '  auth:   HS256 JWTs (AGENTMINT_JWT_SECRET); make one with `pnpm --filter @agentmint/server token`'
    : '  auth:   off (set AGENTMINT_JWT_SECRET to require JWTs)',
);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, async () => {
    if (stopping) process.exit(1);
    stopping = true;
    console.log(`\n${signal}: letting runs finish (up to 10 s)…`);
    await server.close({ graceMs: 10_000 });
    await models.close();
    await telemetry?.shutdown();
    process.exit(0);
  });
}
