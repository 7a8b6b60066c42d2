import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../api.ts';
import { errorText } from '../errorText.ts';

export function AgentList(props: { selected: string | undefined; onSelect: (id: string) => void }) {
  const trpc = useTRPC();
  const agents = useQuery(trpc.agents.list.queryOptions());
  return (
    <nav aria-label="agents">
      <h2>Agents</h2>
      {agents.isPending && <p>Loading…</p>}
      {agents.error && <p role="alert">{errorText(agents.error)}</p>}
      <ul>
        {agents.data?.map((agent) => (
          <li key={agent.id}>
            <button
              type="button"
              aria-current={agent.id === props.selected}
              onClick={() => props.onSelect(agent.id)}
            >
              <strong>{agent.name ?? agent.id}</strong>
              <small>
                {agent.id}
                {agent.isFactory ? ' · factory' : ''}
              </small>
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
