import type { RunEvent, RunOutput } from '@agentmint/client';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useSyncExternalStore } from 'react';
import { useTRPC } from '../api.ts';
import { connectionLog } from '../connectionLog.ts';
import { errorText } from '../errorText.ts';
import { runQueryOptions, type Turn } from '../runQuery.ts';

/** A message sent from this page and its run, streaming. */
export function TurnView(props: { turn: Turn }) {
  const trpc = useTRPC();
  const run = useQuery(runQueryOptions(props.turn));
  const cancel = useMutation(trpc.runs.cancel.mutationOptions());
  const events = run.data ?? [];
  const runId = events[0]?.runId;
  const resumes = useSyncExternalStore(connectionLog.subscribe, connectionLog.resumes).filter(
    (resume) => runId !== undefined && resume.lastEventId.includes(runId),
  );
  const terminal = events.find(isTerminal);
  // The stream ends at RunPaused too: the run waits for runs.continue on the same run id.
  const last = events.at(-1);
  const paused = last?.event === 'RunPaused' ? last : undefined;
  const status = run.error
    ? `failed: ${errorText(run.error)}`
    : terminal?.event === 'RunCompleted'
      ? 'completed'
      : terminal?.event === 'RunCancelled'
        ? `cancelled: ${terminal.reason}`
        : terminal?.event === 'RunError'
          ? `error ${terminal.error.code}: ${terminal.error.message}`
          : run.isFetching
            ? 'running…'
            : paused
              ? `paused: waiting for ${paused.tools.map((t) => t.toolName).join(', ')}`
              : 'stream ended';
  return (
    <article className="turn" aria-label="run" data-run-id={runId}>
      <p className="user">{props.turn.request.message}</p>
      <Answer events={events} />
      {resumes.length > 0 && (
        <p className="resumed" role="status">
          connection dropped {resumes.length}× — resumed after event{' '}
          {resumes.map((resume) => resume.lastEventId.split(':').at(-1)).join(', ')}
        </p>
      )}
      <p className={`status ${terminal?.event ?? (run.error ? 'failed' : 'running')}`}>
        <output aria-label="run status">{status}</output>
        {run.isFetching && runId && !terminal && (
          <button
            type="button"
            disabled={cancel.isPending}
            onClick={() => cancel.mutate({ runId })}
          >
            Stop
          </button>
        )}
        {cancel.error && <span role="alert">{errorText(cancel.error)}</span>}
        {/* #13 (human in the loop): a paused run's Approve / Reject buttons go here. */}
      </p>
    </article>
  );
}

/** A run of an opened session, from the store. */
export function PastRunView(props: { run: RunOutput }) {
  const { run } = props;
  const asked = run.messages.find((message) => message.role === 'user')?.content;
  return (
    <article className="turn past" aria-label="run" data-run-id={run.runId}>
      {asked && <p className="user">{asked}</p>}
      {run.content && <p className="assistant">{run.content}</p>}
      <p className="status">
        <output aria-label="run status">
          {run.status.toLowerCase()}
          {run.error ? ` ${run.error.code}: ${run.error.message}` : ''}
        </output>
      </p>
    </article>
  );
}

/** The answer as it streams: text deltas joined, each tool call expanded with its result. */
function Answer(props: { events: readonly RunEvent[] }) {
  const parts: { key: string; node: React.ReactNode }[] = [];
  let text = '';
  const flush = (key: string) => {
    if (text) parts.push({ key, node: <p className="assistant">{text}</p> });
    text = '';
  };
  const results = new Map<string, RunEvent>();
  for (const event of props.events) {
    if (event.event === 'ToolCallCompleted' || event.event === 'ToolCallError') {
      results.set(event.tool.toolCallId, event);
    }
  }
  for (const event of props.events) {
    if (event.event === 'RunContent') text += event.content;
    if (event.event === 'ToolCallStarted') {
      flush(`text-${event.seq}`);
      const result = results.get(event.tool.toolCallId);
      parts.push({
        key: `tool-${event.seq}`,
        node: (
          <details className="tool" open>
            <summary>tool {event.tool.toolName}</summary>
            <pre className="tool-arguments">{JSON.stringify(event.tool.toolArgs, null, 2)}</pre>
            {result?.event === 'ToolCallCompleted' && (
              <pre className="tool-result">{result.tool.result}</pre>
            )}
            {result?.event === 'ToolCallError' && <p role="alert">{result.error}</p>}
            {!result && <p>running…</p>}
          </details>
        ),
      });
    }
  }
  flush('text-end');
  return (
    <div className="answer" aria-live="polite">
      {parts.map((part) => (
        <div key={part.key}>{part.node}</div>
      ))}
    </div>
  );
}

function isTerminal(event: RunEvent): boolean {
  return (
    event.event === 'RunCompleted' || event.event === 'RunCancelled' || event.event === 'RunError'
  );
}
