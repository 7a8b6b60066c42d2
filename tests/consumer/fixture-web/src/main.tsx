// A React page on tRPC's TanStack Query integration with AgentMint's links.
import { agentLinks } from '@agentmint/client';
import { QueryClient, QueryClientProvider, useMutation, useQuery } from '@tanstack/react-query';
import { createTRPCClient } from '@trpc/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { AppRouter } from './router.ts';

const { TRPCProvider, useTRPC } = createTRPCContext<AppRouter>();
const queryClient = new QueryClient();
const trpcClient = createTRPCClient<AppRouter>({ links: agentLinks({ url: '/trpc' }) });

function Agents() {
  const trpc = useTRPC();
  const agents = useQuery(trpc.agents.list.queryOptions());
  const research = useMutation(trpc.agents['research-agent'].run.mutationOptions());
  // @ts-expect-error not in the persona enum: the router type reaches the page
  const wrong = () => research.mutate({ message: 'x', factoryInput: { persona: 'pirate' } });
  void wrong;
  return (
    <main>
      <ul>
        {agents.data?.map((agent) => (
          <li key={agent.id}>{agent.name ?? agent.id}</li>
        ))}
      </ul>
      <button
        type="button"
        onClick={() =>
          research.mutate({ message: 'Trends?', factoryInput: { persona: 'skeptic' } })
        }
      >
        Research
      </button>
      <output>{research.data?.content}</output>
    </main>
  );
}

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
          <Agents />
        </TRPCProvider>
      </QueryClientProvider>
    </StrictMode>,
  );
}
