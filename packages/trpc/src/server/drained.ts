import type { ServerResponse } from 'node:http';

/** Resolves when `res` can take more (its buffer drained) or is closed: back-pressure for writers. */
export function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}
