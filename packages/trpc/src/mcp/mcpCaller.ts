import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { AgentMintRequestState } from '../context.ts';

/** The verified caller of one HTTP request, carried to the MCP handlers in the SDK's AuthInfo. */
class McpCaller {
  readonly state: AgentMintRequestState;
  constructor(state: AgentMintRequestState) {
    this.state = state;
  }
}

/** AuthInfo for the SDK; the token itself stays with the verifier (never passed along). */
export function authInfoFor(state: AgentMintRequestState): AuthInfo {
  return {
    token: '',
    clientId: state.access.subject ?? 'anonymous',
    scopes: [...state.access.trusted.scopes],
    extra: { agentmint: new McpCaller(state) },
  };
}

/** The caller a handler serves; every request passes through `authInfoFor` first. */
export function callerOf(extra: {
  readonly authInfo?: AuthInfo | undefined;
}): AgentMintRequestState {
  const caller = extra.authInfo?.extra?.agentmint;
  if (!(caller instanceof McpCaller)) throw new Error('MCP request without an AgentMint caller');
  return caller.state;
}
