export type { McpServerInfo } from './agentMcpServer.ts';
export { agentTool } from './agentTools.ts';
export { type McpOptions, mcp } from './mcpInterface.ts';
