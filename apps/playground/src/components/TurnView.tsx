import type { RunEvent, RunOutput } from '@agentmint/client';
import { useMutation, useQueries, useQuery } from '@tanstack/react-query';
import { useState, useSyncExternalStore } from 'react';
import { useTRPC } from '../api.ts';
import { connectionLog } from '../connectionLog.ts';
import { errorText } from '../errorText.ts';
import {
  type Continuation,
  continuationQueryOptions,
  runQueryOptions,
  type Turn,
} from '../runQuery.ts';
import { PendingTools } from './PendingTools.tsx';

/** A message sent from this page and its run, streaming; a paused run is continued in place. */
export function TurnView(props: { turn: Turn }) {
  const trpc = useTRPC();
  const first = useQuery(runQueryOptions(props.turn));
  const [continuations, setContinuations] = useState<readonly Continuation[]>([]);
  const segments = useQueries({ queries: continuations.map(continuationQueryOptions) });
  const cancel = useMutation(trpc.runs.cancel.mutationOptions());
  const events = [...(first.data ?? []), ...segments.flatMap((segment) => segment.data ?? [])];
  // The newest segment says how the run stands: streaming, failed, paused or ended.
  const run = segments.at(-1) ?? first;
  const runId = events[0]?.runId;
  const resumes = useSyncExternalStore(connectionLog.subscribe, connectionLog.resumes).filter(
    (resume) => runId !== undefined && resume.lastEventId.includes(runId),
  );
  const terminal = events.find(isTerminal);
  const last = events.at(-1);
  const paused = !run.isFetching && last?.event === 'RunPaused' ? last : undefined;
  const output = terminal?.event === 'RunCompleted' ? terminal.output : undefined;
  const status = run.error
    ? `failed: ${errorText(run.error)}`
    : paused
      ? `paused: waiting for ${paused.tools.map((t) => t.toolName).join(', ')}`
      : terminal?.event === 'RunCompleted'
        ? 'completed'
        : terminal?.event === 'RunCancelled'
          ? `cancelled: ${terminal.reason}`
          : terminal?.event === 'RunError'
            ? `error ${terminal.error.code}: ${terminal.error.message}`
            : run.isFetching
              ? 'running…'
              : 'stream ended';
  return (
    <article className="turn" aria-label="run" data-run-id={runId}>
      <p className="user">{props.turn.request.message}</p>
      <Answer events={events} />
      {output !== undefined && output !== null && <StructuredOutput output={output} />}
      {paused && runId && (
        <PendingTools
          key={paused.seq}
          paused={paused}
          disabled={run.isFetching}
          onDecided={(tools) =>
            setContinuations([
              ...continuations,
              { key: crypto.randomUUID(), runId, pausedSeq: paused.seq, tools },
            ])
          }
        />
      )}
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
      {run.content && run.output == null && <p className="assistant">{run.content}</p>}
      {run.output != null && <StructuredOutput output={run.output} />}
      <p className="status">
        <output aria-label="run status">
          {run.status.toLowerCase()}
          {run.error ? ` ${run.error.code}: ${run.error.message}` : ''}
        </output>
      </p>
    </article>
  );
}

/** An agent's typed answer (its `outputSchema`), as the validated JSON it is. */
function StructuredOutput(props: { output: unknown }) {
  return (
    <figure className="structured-output" aria-label="structured output">
      <figcaption>structured output</figcaption>
      <pre>{JSON.stringify(props.output, null, 2)}</pre>
    </figure>
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
