import type { AgentEntry, Logger } from '@agentmint/core';
import { AgentOS, type AgentOSOptions, type ServerHandle } from '@agentmint/trpc';

const open = new Set<ServerHandle>();

/** Serves `os` on a free loopback port; `closeServers()` (in afterEach/afterAll) stops it. */
export async function serve<TAgents extends readonly AgentEntry[]>(
  os: AgentOS<TAgents>,
): Promise<ServerHandle> {
  const handle = await os.serve({ port: 0, hostname: '127.0.0.1' });
  open.add(handle);
  return handle;
}

export async function startOS<const TAgents extends readonly AgentEntry[]>(
  options: AgentOSOptions<TAgents>,
): Promise<{ os: AgentOS<TAgents>; server: ServerHandle; url: string }> {
  const os = new AgentOS(options);
  const server = await serve(os);
  return { os, server, url: server.url };
}

export async function closeServers(graceMs = 100): Promise<void> {
  const handles = [...open];
  open.clear();
  await Promise.all(handles.map((handle) => handle.close({ graceMs })));
}

/** A logger that keeps what it is told, so tests stay quiet and can assert on the errors. */
export function recordingLogger(): Logger & { readonly errors: string[] } {
  const errors: string[] = [];
  return { info() {}, warn() {}, error: (message) => void errors.push(message), errors };
}
