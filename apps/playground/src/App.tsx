import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState } from 'react';
import { apiOrigin, TRPCProvider, trpcClient } from './api.ts';
import { AgentList } from './components/AgentList.tsx';
import { AgentPanel } from './components/AgentPanel.tsx';
import { SessionList } from './components/SessionList.tsx';
import { TokenBox } from './components/TokenBox.tsx';

export function App() {
  const [queryClient] = useState(
    () =>
      new QueryClient({
        defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false } },
      }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        <Playground />
      </TRPCProvider>
    </QueryClientProvider>
  );
}

function Playground() {
  const [agentId, setAgentId] = useState<string | undefined>();
  // The session opened from the sidebar (undefined: a new one starts with the next message).
  // Changing it, or starting a new chat, gives the chat a fresh panel.
  const [opened, setOpened] = useState<{ sessionId?: string; chat: number }>({ chat: 0 });
  // The session the chat is in now (a new chat's session exists once its first run started).
  const [activeSessionId, setActiveSessionId] = useState<string | undefined>();
  const open = (next: { agentId: string; sessionId?: string }) => {
    setAgentId(next.agentId);
    setOpened((current) => ({
      ...(next.sessionId !== undefined && { sessionId: next.sessionId }),
      chat: current.chat + 1,
    }));
    setActiveSessionId(next.sessionId);
  };
  return (
    <div className="layout">
      <header>
        <h1>AgentMint playground</h1>
        <TokenBox />
        {apiOrigin !== window.location.origin && <small>API {apiOrigin}</small>}
      </header>
      <aside>
        <AgentList selected={agentId} onSelect={(id) => open({ agentId: id })} />
        <SessionList
          agentId={agentId}
          activeSessionId={activeSessionId}
          onOpen={(session) => open(session)}
          onDeleted={(deleted) => {
            if (agentId && deleted === activeSessionId) open({ agentId });
          }}
        />
      </aside>
      <main>
        {agentId ? (
          <AgentPanel
            key={opened.chat}
            agentId={agentId}
            openedSessionId={opened.sessionId}
            onSessionStarted={setActiveSessionId}
            onNewChat={() => open({ agentId })}
          />
        ) : (
          <p className="hint">Pick an agent to chat with it.</p>
        )}
      </main>
    </div>
  );
}
