import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '../api.ts';
import { errorText } from '../errorText.ts';

interface SessionRef {
  readonly sessionId: string;
  readonly agentId: string;
}

/** The signed-in user's sessions (the server scopes the list to the token's `sub`). */
export function SessionList(props: {
  agentId: string | undefined;
  activeSessionId: string | undefined;
  onOpen: (session: SessionRef) => void;
  onDeleted: (sessionId: string) => void;
}) {
  const trpc = useTRPC();
  const sessions = useQuery(trpc.sessions.list.queryOptions({ limit: 100 }));
  return (
    <nav aria-label="sessions">
      <h2>Sessions</h2>
      {sessions.error && <p role="alert">{errorText(sessions.error)}</p>}
      {sessions.data?.length === 0 && <p className="hint">No sessions yet.</p>}
      <ul>
        {sessions.data?.map((session) => (
          <SessionItem
            key={session.sessionId}
            session={session}
            active={session.sessionId === props.activeSessionId}
            onOpen={() => props.onOpen(session)}
            onDeleted={() => props.onDeleted(session.sessionId)}
          />
        ))}
      </ul>
    </nav>
  );
}

function SessionItem(props: {
  session: SessionRef & { readonly name: string | null };
  active: boolean;
  onOpen: () => void;
  onDeleted: () => void;
}) {
  const { session } = props;
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState<string | undefined>();
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.sessions.pathKey() });
  const rename = useMutation(
    trpc.sessions.rename.mutationOptions({
      onSuccess: async () => {
        setDraft(undefined);
        await refresh();
      },
    }),
  );
  const remove = useMutation(
    trpc.sessions.delete.mutationOptions({
      onSuccess: async () => {
        props.onDeleted();
        await refresh();
      },
    }),
  );
  // The id's end: its start is a timestamp (time-ordered ids), the same for sessions made together.
  const title = session.name ?? `${session.agentId} · ${session.sessionId.slice(-8)}`;
  if (draft !== undefined) {
    return (
      <li>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            rename.mutate({ sessionId: session.sessionId, name: draft });
          }}
        >
          <label htmlFor={`rename-${session.sessionId}`}>new name</label>
          <input
            id={`rename-${session.sessionId}`}
            value={draft}
            onChange={(event) => setDraft(event.target.value)}
          />
          <button type="submit" disabled={rename.isPending}>
            Save
          </button>
          <button type="button" onClick={() => setDraft(undefined)}>
            Cancel
          </button>
          {rename.error && <p role="alert">{errorText(rename.error)}</p>}
        </form>
      </li>
    );
  }
  return (
    <li className="session">
      <button type="button" aria-current={props.active} onClick={props.onOpen}>
        {title}
      </button>
      <button
        type="button"
        aria-label={`Rename ${title}`}
        onClick={() => setDraft(session.name ?? '')}
      >
        Rename
      </button>
      <button
        type="button"
        aria-label={`Delete ${title}`}
        disabled={remove.isPending}
        onClick={() => remove.mutate({ sessionId: session.sessionId })}
      >
        Delete
      </button>
      {remove.error && <p role="alert">{errorText(remove.error)}</p>}
    </li>
  );
}
