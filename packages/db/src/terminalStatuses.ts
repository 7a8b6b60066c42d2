import { TERMINAL_RUN_STATUSES } from '@agentmint/core';

/** `('COMPLETED', 'ERROR', 'CANCELLED')`: literal SQL, from core's list so the two never drift. */
export const TERMINAL_LIST = `(${TERMINAL_RUN_STATUSES.map((status) => `'${status}'`).join(', ')})`;
