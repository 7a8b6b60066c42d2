import type { Context, Hono } from 'hono';
import { restConfig, restModels } from './configShape.ts';
import type { RestAppDeps, RestEnv } from './restEnv.ts';

/** Agno's discovery routes: `GET /config` and `GET /models`, listing only the agents the caller may read. */
export function registerConfigRoutes(app: Hono<RestEnv>, deps: RestAppDeps): void {
  const readable = (c: Context<RestEnv>) => deps.operations.listAgents(c.get('agentmint'));

  app.get('/config', (c) => c.json(restConfig(deps.os, readable(c))));
  app.get('/models', (c) => c.json(restModels(readable(c))));
}
