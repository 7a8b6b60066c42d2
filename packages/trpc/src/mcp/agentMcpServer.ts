import type { RunEvent } from '@agentmint/core';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import {
  CallToolRequestSchema,
  type CallToolResult,
  ListToolsRequestSchema,
  type ServerNotification,
  type ServerRequest,
} from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { AgentOSInterfaceHost } from '../agentOSInterface.ts';
import type { AgentMintRequestState } from '../context.ts';
import { toReportedPublicError } from '../errorMapping.ts';
import { agentTool } from './agentTools.ts';
import { elicitDecisions } from './mcpApprovals.ts';
import { callerOf } from './mcpCaller.ts';
import { publicErrorToolResult, runToolResult } from './toolResults.ts';

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

export interface McpServerInfo {
  readonly name: string;
  readonly version: string;
}

/** The arguments every agent tool takes; `factoryInput` is checked by the agent's own schema. */
const ToolArguments = z.strictObject({
  message: z.string().min(1),
  sessionId: z.string().min(1).optional(),
  factoryInput: z.unknown().optional(),
});

/**
 * The MCP server of one MCP session: `tools/list` = the agents the caller may run, `tools/call`
 * runs one. The caller comes with each request (its verified token), not with the session.
 */
export function createAgentMcpServer(host: AgentOSInterfaceHost, info: McpServerInfo): Server {
  const server = new Server(info, { capabilities: { tools: { listChanged: false } } });
  server.setRequestHandler(ListToolsRequestSchema, (_request, extra) => {
    const caller = callerOf(extra);
    const runnable = host.operations
      .listAgents(caller)
      .filter((agent) => caller.access.canRunAgent(agent.id));
    return { tools: runnable.map(agentTool) };
  });
  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    try {
      const args = ToolArguments.safeParse(request.params.arguments ?? {});
      if (!args.success) return invalidArguments(args.error);
      return await callAgent(host, server, callerOf(extra), {
        agentId: request.params.name,
        ...args.data,
        progressToken: request.params._meta?.progressToken,
        extra,
      });
    } catch (error) {
      // Refusals (401/403/404/400 with issues) are tool errors the calling model can read.
      return publicErrorToolResult(toReportedPublicError(error, host.logger));
    }
  });
  return server;
}

interface AgentCall {
  readonly agentId: string;
  readonly message: string;
  readonly sessionId?: string | undefined;
  readonly factoryInput?: unknown;
  readonly progressToken: string | number | undefined;
  readonly extra: Extra;
}

async function callAgent(
  host: AgentOSInterfaceHost,
  server: Server,
  state: AgentMintRequestState,
  call: AgentCall,
): Promise<CallToolResult> {
  let run = await host.operations.startRun(state, {
    agentId: call.agentId,
    message: call.message,
    sessionId: call.sessionId,
    factoryInput: call.factoryInput,
  });
  for (;;) {
    const progress =
      call.progressToken === undefined
        ? undefined
        : reportProgress(run.subscribe(run.firstSeq), call.progressToken, call.extra);
    // The MCP client cancelling the request (notifications/cancelled) aborts extra.signal.
    const output = await run.outcome(call.extra.signal);
    await progress;
    // A run waiting for a human asks the client's user, when the client can be asked.
    const canAsk = server.getClientCapabilities()?.elicitation !== undefined;
    if (output.status !== 'PAUSED' || !output.pendingTools || !canAsk) {
      return runToolResult(output);
    }
    const tools = await elicitDecisions(output.pendingTools, call.extra);
    run = await host.operations.continueRun(state, {
      agentId: call.agentId,
      runId: output.runId,
      tools,
    });
  }
}

/** Streams the run as progress notifications: each text delta, and each tool the agent calls. */
async function reportProgress(
  events: AsyncGenerator<RunEvent>,
  progressToken: string | number,
  extra: Extra,
): Promise<void> {
  try {
    for await (const event of events) {
      const message =
        event.event === 'RunContent'
          ? event.content
          : event.event === 'ToolCallStarted'
            ? `Calling tool ${event.tool.toolName}`
            : undefined;
      if (message === undefined || message.length === 0) continue;
      await extra.sendNotification({
        method: 'notifications/progress',
        params: { progressToken, progress: event.seq, message },
      });
    }
  } catch {
    // The client went away: the run's own outcome says what happened.
    await events.return(undefined);
  }
}

function invalidArguments(error: z.ZodError): CallToolResult {
  return publicErrorToolResult({
    httpStatus: 400,
    code: 'BAD_REQUEST',
    message: `Invalid arguments: ${error.issues.map((i) => `${i.path.join('.') || 'arguments'}: ${i.message}`).join('; ')}`,
    issues: error.issues.map((issue) => ({
      path: issue.path.map((key) => (typeof key === 'number' ? key : String(key))),
      message: issue.message,
      code: issue.code,
    })),
  });
}
