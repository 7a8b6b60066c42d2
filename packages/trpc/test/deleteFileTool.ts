import { tool } from '@agentmint/core';
import { z } from 'zod';

/** `delete_file`, which a human must approve; each path it really deletes is pushed to `deleted`. */
export function deleteFileTool(deleted: string[]) {
  return tool({
    name: 'delete_file',
    description: 'Deletes a file',
    parameters: z.object({ path: z.string() }),
    requiresConfirmation: true,
    execute: ({ path }) => {
      deleted.push(path);
      return `deleted ${path}`;
    },
  });
}
