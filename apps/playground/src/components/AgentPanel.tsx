import { isValidationError } from '@agentmint/client';
import { skipToken, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { useTRPC } from '../api.ts';
import { errorText } from '../errorText.ts';
import { runQueryOptions, type Turn } from '../runQuery.ts';
import {
  type FormValues,
  factoryInputFrom,
  initialValues,
  issueKey,
  type SchemaField,
  schemaFields,
} from '../schemaForm.ts';
import { FactoryFields } from './FactoryForm.tsx';
import { PastRunView, TurnView } from './TurnView.tsx';

/** One agent: its factory input form and a chat in one session. */
export function AgentPanel(props: {
  agentId: string;
  openedSessionId: string | undefined;
  onSessionStarted: (sessionId: string) => void;
  onNewChat: () => void;
}) {
  const { agentId, openedSessionId, onSessionStarted } = props;
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const agent = useQuery(trpc.agents.get.queryOptions({ agentId }));
  const fields = useMemo(
    () => schemaFields(agent.data?.factoryInputSchema),
    [agent.data?.factoryInputSchema],
  );
  const [edited, setEdited] = useState<FormValues | undefined>();
  const values = edited ?? initialValues(fields);
  const [message, setMessage] = useState('');
  const [turns, setTurns] = useState<readonly Turn[]>([]);
  const [liveSessionId, setLiveSessionId] = useState(openedSessionId);
  const past = useQuery(
    trpc.sessions.get.queryOptions(openedSessionId ? { sessionId: openedSessionId } : skipToken),
  );

  const latest = turns.at(-1);
  const latestRun = useQuery(
    latest ? runQueryOptions(latest) : { queryKey: ['agentmint-run', 'none'], queryFn: skipToken },
  );
  const startedSession = latestRun.data?.find((event) => event.event === 'RunStarted')?.sessionId;
  useEffect(() => {
    if (startedSession === undefined) return;
    setLiveSessionId(startedSession);
    onSessionStarted(startedSession);
  }, [startedSession, onSessionStarted]);
  const finished = latest !== undefined && !latestRun.isFetching;
  useEffect(() => {
    // A run that ended changed its session (a new one, a new run, a new updatedAt).
    if (finished) void queryClient.invalidateQueries({ queryKey: trpc.sessions.pathKey() });
  }, [finished, queryClient, trpc]);

  const issues = useMemo(() => {
    const error = latestRun.error;
    if (!isValidationError(error)) return new Map<string, string>();
    return new Map(error.issues.map((issue) => [issueKey(issue.path), issue.message]));
  }, [latestRun.error]);
  const fieldKeys = useMemo(() => new Set(allKeys(fields)), [fields]);
  const unplaced = [...issues].filter(([key]) => !fieldKeys.has(key));

  const liveRunIds = new Set(
    turns.flatMap((turn) => {
      const data = queryClient.getQueryData(runQueryOptions(turn).queryKey);
      return data?.[0] ? [data[0].runId] : [];
    }),
  );

  return (
    <section className="agent" aria-label={`agent ${agentId}`}>
      <h2>
        {agent.data?.name ?? agentId} <small>{agentId}</small>
      </h2>
      {agent.data?.description && <p>{agent.data.description}</p>}
      {agent.error && <p role="alert">{errorText(agent.error)}</p>}
      <section className="chat" aria-label="chat">
        {past.data?.runs
          .filter((run) => !liveRunIds.has(run.runId))
          .map((run) => (
            <PastRunView key={run.runId} run={run} />
          ))}
        {past.error && <p role="alert">{errorText(past.error)}</p>}
        {turns.map((turn) => (
          <TurnView key={turn.key} turn={turn} />
        ))}
      </section>
      <form
        className="composer"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          if (!message.trim()) return;
          const factoryInput = agent.data?.isFactory ? factoryInputFrom(fields, values) : undefined;
          const request = {
            message,
            ...(liveSessionId !== undefined && { sessionId: liveSessionId }),
            ...(factoryInput !== undefined && { factoryInput }),
          };
          setTurns([...turns, { key: crypto.randomUUID(), agentId, request }]);
          setMessage('');
        }}
      >
        {fields.length > 0 && (
          <fieldset className="factory-input">
            <legend>factory input</legend>
            <FactoryFields fields={fields} values={values} onChange={setEdited} issues={issues} />
            {unplaced.map(([key, text]) => (
              <p key={key} className="issue" role="alert">
                {key ? `${key}: ` : ''}
                {text}
              </p>
            ))}
          </fieldset>
        )}
        <label htmlFor="message">message</label>
        <textarea
          id="message"
          rows={3}
          value={message}
          onChange={(event) => setMessage(event.target.value)}
        />
        <div className="actions">
          <button type="submit" disabled={latestRun.isFetching}>
            Send
          </button>
          <button type="button" onClick={props.onNewChat}>
            New chat
          </button>
          {liveSessionId && <small>session {liveSessionId}</small>}
        </div>
      </form>
    </section>
  );
}

function allKeys(fields: readonly SchemaField[]): string[] {
  return fields.flatMap((field) => [field.path.join('.'), ...allKeys(field.children)]);
}
