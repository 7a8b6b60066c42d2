/** Event ids on the wire are `<runId>:<seq>`, so a reconnect alone says which run to resume. */
export function formatEventId(runId: string, seq: number): string {
  return `${runId}:${seq}`;
}

export function parseEventId(
  value: string | null | undefined,
): { runId: string; seq: number } | undefined {
  if (!value) return undefined;
  const at = value.lastIndexOf(':');
  if (at <= 0) return undefined;
  const seq = Number(value.slice(at + 1));
  if (!Number.isSafeInteger(seq) || seq < 0) return undefined;
  return { runId: value.slice(0, at), seq };
}
