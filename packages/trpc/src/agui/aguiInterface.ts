import { AgentMintError } from '@agentmint/core';
import type { AgentOSInterface } from '../agentOSInterface.ts';
import { restError } from '../rest/restApp.ts';
import { continueFromResume } from './aguiInterrupts.ts';
import { parseRunAgentInput, toStartRequest } from './runAgentInputToStart.ts';
import { streamAgUiRun } from './streamAgUiRun.ts';

export interface AgUiOptions {
  /** Where the endpoint lives: `POST {path}/{agentId}`. Default `/agui`. */
  readonly path?: string;
}

/**
 * The AG-UI protocol (CopilotKit and other agent front ends): `POST /agui/{agentId}` takes AG-UI's
 * `RunAgentInput` and answers its event stream. The thread is the AgentMint session;
 * `forwardedProps.factoryInput` is the factory input, checked by the agent's schema before the
 * factory runs. Refusals (401, 403, 404, 400 with issues) come back as HTTP errors before any event.
 * A run that pauses for a human ends with AG-UI's interrupt outcome (one interrupt per waiting tool
 * call); the next request's `resume` entries answer them and that same run goes on.
 */
export function agui(options: AgUiOptions = {}): AgentOSInterface {
  const path = options.path ?? '/agui';
  return {
    name: 'agui',
    mount(app, host) {
      let warnedTools = false;
      app.post(`${path}/:agentId`, async (c) => {
        try {
          const state = await host.authenticate(c.req.raw.headers);
          const agentId = c.req.param('agentId');
          const body: unknown = await c.req.json().catch(() => {
            throw new AgentMintError(
              'BAD_REQUEST',
              'The body must be an AG-UI RunAgentInput (JSON)',
            );
          });
          const input = parseRunAgentInput(body);
          const ids = { threadId: input.threadId, runId: input.runId };
          if (input.resume !== undefined && input.resume.length > 0) {
            // Answers to a paused run's interrupts: that run goes on, as a new AG-UI run.
            const { runId, tools } = continueFromResume(input.resume);
            const run = await host.operations.continueRun(state, {
              agentId,
              runId,
              tools,
              sessionId: input.threadId,
            });
            const decided = tools.map((tool) => tool.toolCallId);
            return streamAgUiRun(run, ids, c.req.raw, host.logger, decided);
          }
          const start = toStartRequest(input);
          if (input.tools.length > 0 && !warnedTools) {
            warnedTools = true;
            host.logger.warn(
              "AG-UI frontend tools are not offered to AgentMint agents yet; the request's `tools` are ignored",
            );
          }
          const run = await host.operations.startRun(state, { agentId, ...start });
          return streamAgUiRun(run, ids, c.req.raw, host.logger);
        } catch (error) {
          return restError(c, error, host.logger);
        }
      });
    },
  };
}
