import type { ServerResponse } from 'node:http';

/**
 * Sets `headers` then writes the head, so headers added when the head is written (CORS) come
 * after them, as through Hono.
 */
export function writeHead(
  res: ServerResponse,
  status: number,
  headers: Readonly<Record<string, string>>,
): void {
  for (const key in headers) res.setHeader(key, headers[key] as string);
  res.writeHead(status);
}
