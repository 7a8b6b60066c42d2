/** Longest part of a client-sent id echoed back in a message: errors must not mirror huge input. */
const SHOWN_ID_CHARS = 64;

/** `id` as an error message shows it: quoted, and cut to 64 characters with an ellipsis. */
export function displayId(id: string): string {
  return id.length <= SHOWN_ID_CHARS ? `'${id}'` : `'${id.slice(0, SHOWN_ID_CHARS)}…'`;
}
