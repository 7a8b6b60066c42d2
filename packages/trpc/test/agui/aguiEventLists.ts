/** AG-UI event type sequences the AG-UI tests expect, built once. */

/** One assistant text message streamed in `deltas` pieces. */
export const textMessage = (deltas = 1): string[] => [
  'TEXT_MESSAGE_START',
  ...Array<string>(deltas).fill('TEXT_MESSAGE_CONTENT'),
  'TEXT_MESSAGE_END',
];

/** One server-side tool call and its result. */
export const TOOL_CALL = ['TOOL_CALL_START', 'TOOL_CALL_ARGS', 'TOOL_CALL_END', 'TOOL_CALL_RESULT'];

/** A whole run around `inner`. */
export const aguiRun = (...inner: string[][]): string[] => [
  'RUN_STARTED',
  ...inner.flat(),
  'RUN_FINISHED',
];
