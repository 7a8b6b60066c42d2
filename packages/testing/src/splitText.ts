/** Cuts text into `parts` pieces of near-equal length that join back to the text. */
export function splitText(text: string, parts = 1): string[] {
  const count = Math.max(1, Math.min(Math.floor(parts), text.length));
  if (count === 1) return [text];
  const chunks: string[] = [];
  const size = text.length / count;
  for (let i = 0; i < count; i++) {
    chunks.push(text.slice(Math.round(i * size), Math.round((i + 1) * size)));
  }
  return chunks;
}
