import { type DroppingProxyOptions, startDroppingProxy as startProxy } from '@agentmint/testing';
import type { Cleanup } from './fixtures.ts';

/** @agentmint/testing's dropping proxy, closed by `cleanup`; `url` is its tRPC endpoint. */
export async function startDroppingProxy(
  target: string,
  cleanup: Cleanup,
  options: DroppingProxyOptions = {},
) {
  const proxy = await startProxy(target, options);
  cleanup.add(() => proxy.close());
  return { ...proxy, url: `${proxy.url}/trpc` };
}
