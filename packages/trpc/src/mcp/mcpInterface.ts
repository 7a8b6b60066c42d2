import type { AgentOSInterface } from '../agentOSInterface.ts';
import { restError } from '../rest/restApp.ts';
import { createAgentMcpServer, type McpServerInfo } from './agentMcpServer.ts';
import { authInfoFor } from './mcpCaller.ts';
import { McpSessions } from './mcpSessions.ts';

export interface McpOptions {
  /** Where the Streamable HTTP endpoint lives. Default `/mcp`. */
  readonly path?: string;
  /** Close MCP sessions unused for this long (ms). Default 30 minutes. */
  readonly sessionIdleMs?: number;
  /** Most MCP sessions kept at once; the least recently used closes first. Default 1000. */
  readonly maxSessions?: number;
  /** What `initialize` tells clients. Default `{ name: 'agentmint', version: '1.0.0' }`. */
  readonly serverInfo?: McpServerInfo;
}

/**
 * MCP over Streamable HTTP: every agent the caller may run is a tool named by its id, taking
 * `{ message, sessionId?, factoryInput }`. The same bearer JWT as REST and tRPC, checked on every
 * request; an MCP session belongs to the user who opened it.
 */
export function mcp(options: McpOptions = {}): AgentOSInterface {
  const path = options.path ?? '/mcp';
  let sessions: McpSessions | undefined;
  return {
    name: 'mcp',
    mount(app, host) {
      const live = new McpSessions({
        idleMs: options.sessionIdleMs ?? 30 * 60_000,
        maxSessions: options.maxSessions ?? 1000,
        createServer: () =>
          createAgentMcpServer(host, options.serverInfo ?? { name: 'agentmint', version: '1.0.0' }),
      });
      sessions = live;
      app.all(path, async (c) => {
        try {
          const state = await host.authenticate(c.req.raw.headers);
          const authInfo = authInfoFor(state);
          const sessionId = c.req.header('mcp-session-id');
          if (sessionId === undefined) {
            const session = await live.open(state.access.subject);
            return await session.transport.handleRequest(c.req.raw, { authInfo });
          }
          const session = live.find(sessionId, state.access.subject);
          if (!session) return sessionNotFound();
          return await session.transport.handleRequest(c.req.raw, { authInfo });
        } catch (error) {
          const response = restError(c, error, host.logger);
          // RFC 6750: tell MCP clients which scheme to use.
          if (response.status === 401) response.headers.set('www-authenticate', 'Bearer');
          return response;
        }
      });
    },
    async close() {
      await sessions?.closeAll();
    },
  };
}

/** The transport's own answer for an unknown session, so clients re-initialize. */
function sessionNotFound(): Response {
  return Response.json(
    { jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' }, id: null },
    { status: 404 },
  );
}
