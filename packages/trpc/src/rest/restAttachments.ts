import { AgentMintError, type Attachment } from '@agentmint/core';

/** Agno's media fields: `images` and `files` are served; the others are refused, never dropped. */
const SERVED = { images: 'image', files: 'file' } as const;
const REFUSED = ['audio', 'videos', 'video'] as const;
/** Text fields of a run request, checked (and a file refused) by the envelope reader. */
const ENVELOPE_FIELDS = new Set([
  'message',
  'stream',
  'session_id',
  'user_id',
  'factory_input',
  'background',
]);

/**
 * The attachments of a multipart body: every uploaded part under `images` or `files` (Agno's
 * field names), base64-encoded. An upload under any other field is refused with a code.
 */
export async function multipartAttachments(
  body: Record<string, unknown>,
): Promise<Attachment[] | undefined> {
  const found: Attachment[] = [];
  for (const [field, value] of Object.entries(body)) {
    const parts = Array.isArray(value) ? value : [value];
    const uploads = parts.filter((part): part is File => part instanceof File);
    if (uploads.length === 0) continue;
    const kind = SERVED[field as keyof typeof SERVED];
    if (kind === undefined) {
      // Agno's other media fields are refused as media (415); the envelope's own fields refuse a
      // file when they are read (message → 400, factory_input → FACTORY_VALIDATION).
      if ((REFUSED as readonly string[]).includes(field)) throw unservedField(field);
      if (ENVELOPE_FIELDS.has(field)) continue;
      throw badMedia(
        `\`${field}\` is not a field of a run; send uploads as \`images\` or \`files\``,
      );
    }
    for (const upload of uploads) {
      const bytes = Buffer.from(await upload.arrayBuffer());
      found.push({
        kind,
        mediaType: upload.type.split(';')[0]?.trim() ?? '',
        data: bytes.toString('base64'),
        ...(upload.name && { filename: upload.name }),
      });
    }
  }
  return found.length > 0 ? found : undefined;
}

/**
 * The attachments of a JSON body: `images` / `files` arrays of `{ url }` or
 * `{ content: <base64>, mime_type, filename? }`. Any other media field is refused.
 */
export function jsonAttachments(body: Record<string, unknown>): Attachment[] | undefined {
  for (const field of REFUSED) if (body[field] !== undefined) throw unservedField(field);
  const found: Attachment[] = [];
  for (const [field, kind] of Object.entries(SERVED)) {
    const list = body[field];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) throw badMedia(`\`${field}\` must be an array`);
    for (const item of list) found.push(jsonAttachment(item, kind, field));
  }
  return found.length > 0 ? found : undefined;
}

function jsonAttachment(item: unknown, kind: Attachment['kind'], field: string): Attachment {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) {
    throw badMedia(`each of \`${field}\` must be an object with \`url\` or \`content\``);
  }
  const { url, content, mime_type: mimeType, filename } = item as Record<string, unknown>;
  if (filename !== undefined && typeof filename !== 'string') {
    throw badMedia(`\`${field}[].filename\` must be a string`);
  }
  const named = typeof filename === 'string' ? { filename } : {};
  const mediaType = typeof mimeType === 'string' ? mimeType : '';
  if (typeof url === 'string' && content === undefined) {
    return { kind, mediaType: mediaType || guessType(url), url, ...named };
  }
  if (typeof content === 'string' && url === undefined) {
    if (!mediaType) throw badMedia(`\`${field}[].mime_type\` is required with \`content\``);
    return { kind, mediaType, data: content, ...named };
  }
  throw badMedia(`each of \`${field}\` needs exactly one of \`url\` or \`content\` (base64)`);
}

const EXTENSION_TYPES: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
  pdf: 'application/pdf',
  txt: 'text/plain',
  md: 'text/markdown',
  csv: 'text/csv',
  json: 'application/json',
};

/** A URL's media type from its extension, so `{ url }` alone works for the common types. */
function guessType(url: string): string {
  const extension = /\.([A-Za-z0-9]+)(?:[?#].*)?$/.exec(url)?.[1]?.toLowerCase();
  return (extension && EXTENSION_TYPES[extension]) || '';
}

function unservedField(field: string): AgentMintError {
  return new AgentMintError(
    'UNSUPPORTED_MEDIA_TYPE',
    `Uploads under \`${field}\` are not supported; send images as \`images\` and documents as \`files\``,
  );
}

function badMedia(message: string): AgentMintError {
  return new AgentMintError('BAD_REQUEST', message);
}
