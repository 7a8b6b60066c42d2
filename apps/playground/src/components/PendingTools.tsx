import type { RunEvent } from '@agentmint/client';
import { useState } from 'react';
import type { ToolDecision } from '../runQuery.ts';

type RunPaused = Extract<RunEvent, { event: 'RunPaused' }>;

/**
 * The tool calls a paused run waits on: Approve / Reject for a call that needs confirmation, a
 * result box for one the caller runs. Once every call is decided, the run is continued.
 */
export function PendingTools(props: {
  paused: RunPaused;
  disabled: boolean;
  onDecided: (tools: ToolDecision[]) => void;
}) {
  const [decided, setDecided] = useState<ReadonlyMap<string, ToolDecision>>(new Map());
  const [results, setResults] = useState<Readonly<Record<string, string>>>({});
  const decide = (decision: ToolDecision) => {
    const next = new Map(decided).set(decision.toolCallId, decision);
    setDecided(next);
    if (next.size === props.paused.tools.length) props.onDecided([...next.values()]);
  };
  return (
    <section className="pending-tools" aria-label="waiting for approval">
      {props.paused.tools.map((call) => {
        const decision = decided.get(call.toolCallId);
        return (
          <section
            key={call.toolCallId}
            className="pending-tool"
            aria-label={`pending ${call.toolName}`}
          >
            <p>
              {call.externalExecutionRequired
                ? `${call.toolName} runs on your side: enter its result`
                : `The agent wants to call ${call.toolName}`}
            </p>
            <pre className="tool-arguments">{JSON.stringify(call.toolArgs, null, 2)}</pre>
            {decision ? (
              <output>{decision.confirmed ? 'approved' : 'rejected'}</output>
            ) : call.externalExecutionRequired ? (
              <form
                onSubmit={(event) => {
                  event.preventDefault();
                  const result = results[call.toolCallId] ?? '';
                  decide({ toolCallId: call.toolCallId, confirmed: true, result });
                }}
              >
                <label>
                  result
                  <input
                    value={results[call.toolCallId] ?? ''}
                    onChange={(event) =>
                      setResults({ ...results, [call.toolCallId]: event.target.value })
                    }
                  />
                </label>
                <button type="submit" disabled={props.disabled}>
                  Send result
                </button>
              </form>
            ) : (
              <div className="actions">
                <button
                  type="button"
                  disabled={props.disabled}
                  onClick={() => decide({ toolCallId: call.toolCallId, confirmed: true })}
                >
                  Approve
                </button>
                <button
                  type="button"
                  disabled={props.disabled}
                  onClick={() => decide({ toolCallId: call.toolCallId, confirmed: false })}
                >
                  Reject
                </button>
              </div>
            )}
          </section>
        );
      })}
    </section>
  );
}
