import type { ReadableSpan } from '@opentelemetry/sdk-trace';

/**
 * The spans as an indented tree in start order, one name a line, the way the README shows a
 * trace; consecutive siblings with the same name are folded into one line with a count.
 */
export function spanTree(spans: readonly ReadableSpan[]): string {
  const ids = new Set(spans.map((s) => s.spanContext().spanId));
  const children = new Map<string | undefined, ReadableSpan[]>();
  for (const span of spans) {
    const parentId = span.parentSpanContext?.spanId;
    const key = parentId !== undefined && ids.has(parentId) ? parentId : undefined;
    children.set(key, [...(children.get(key) ?? []), span]);
  }
  const lines: string[] = [];
  const walk = (parentId: string | undefined, depth: number) => {
    const list = [...(children.get(parentId) ?? [])].sort((a, b) => compareTime(a, b));
    for (let i = 0; i < list.length; i++) {
      const span = list[i]!;
      let count = 1;
      while (list[i + count]?.name === span.name && !children.has(id(list[i + count]!))) count++;
      lines.push(`${'  '.repeat(depth)}${span.name}${count > 1 ? ` ×${count}` : ''}`);
      walk(id(span), depth + 1);
      i += count - 1;
    }
  };
  walk(undefined, 0);
  return lines.join('\n');
}

function id(span: ReadableSpan): string {
  return span.spanContext().spanId;
}

// Start times are whole milliseconds: spans started in the same one are ordered by their end.
function compareTime(a: ReadableSpan, b: ReadableSpan): number {
  return (
    a.startTime[0] - b.startTime[0] ||
    a.startTime[1] - b.startTime[1] ||
    a.endTime[0] - b.endTime[0] ||
    a.endTime[1] - b.endTime[1]
  );
}
