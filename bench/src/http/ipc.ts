/** Messages between the bench (parent) and a server it runs in a child process. */

/** Memory of the server process, taken right after a full GC. */
export interface ServerStats {
  readonly heapUsed: number;
  readonly heapTotal: number;
  readonly rss: number;
  readonly external: number;
  readonly arrayBuffers: number;
  /** Runs (or streams) in flight in the server, when it can tell. */
  readonly openRuns: number;
  /** CPU time the server process used so far, in microseconds (user + system). */
  readonly cpuMicros: number;
}

export type ParentMessage =
  | { readonly type: 'stats'; readonly id: number; readonly gc: boolean }
  | { readonly type: 'close' };

export type ChildMessage =
  | { readonly type: 'ready'; readonly url: string }
  | { readonly type: 'stats'; readonly id: number; readonly stats: ServerStats }
  | { readonly type: 'failed'; readonly error: string };

export function isParentMessage(value: unknown): value is ParentMessage {
  return typeof value === 'object' && value !== null && 'type' in value;
}

export function isChildMessage(value: unknown): value is ChildMessage {
  if (typeof value !== 'object' || value === null || !('type' in value)) return false;
  const type = (value as { type: unknown }).type;
  return type === 'ready' || type === 'stats' || type === 'failed';
}
