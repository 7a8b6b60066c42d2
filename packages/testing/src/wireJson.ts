import { WireRequestError } from './wireApi.ts';

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function requireString(value: unknown, field: string): string {
  if (typeof value !== 'string') throw new WireRequestError(`'${field}' must be a string`);
  return value;
}

export function optionalString(value: unknown, field: string): string | undefined {
  return value === undefined || value === null ? undefined : requireString(value, field);
}

export function requireArray(value: unknown, field: string): readonly unknown[] {
  if (!Array.isArray(value)) throw new WireRequestError(`'${field}' must be an array`);
  return value;
}

/** Message content as plain text: a string, or the `text` of every part in an array of parts. */
export function contentText(value: unknown, field: string): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  return requireArray(value, field)
    .map((part) => (isRecord(part) && typeof part.text === 'string' ? part.text : ''))
    .join('');
}
