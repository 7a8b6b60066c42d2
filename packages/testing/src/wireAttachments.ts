import type { Attachment } from '@agentmint/core';
import { WireRequestError } from './wireApi.ts';
import { isRecord } from './wireJson.ts';

const DATA_URL = /^data:([^;,]+);base64,(.*)$/s;

/**
 * The images and files among a message's content parts, as core attachments: Responses
 * `input_image` / `input_file`, Chat `image_url` / `file`. A data URL becomes `data`, else `url`.
 */
export function contentAttachments(content: unknown, field: string): Attachment[] {
  if (!Array.isArray(content)) return [];
  const found: Attachment[] = [];
  for (const part of content) {
    if (!isRecord(part)) continue;
    if (part.type === 'input_image' || part.type === 'image_url') {
      const url = part.type === 'input_image' ? part.image_url : imageUrlOf(part.image_url);
      found.push(fromUrl('image', url, undefined, `${field}[].image_url`));
    } else if (part.type === 'input_file' || part.type === 'file') {
      const file = part.type === 'file' && isRecord(part.file) ? part.file : part;
      const filename = typeof file.filename === 'string' ? file.filename : undefined;
      const url = file.file_data ?? file.file_url;
      found.push(fromUrl('file', url, filename, `${field}[].file_data`));
    }
  }
  return found;
}

function imageUrlOf(value: unknown): unknown {
  return isRecord(value) ? value.url : value;
}

function fromUrl(
  kind: Attachment['kind'],
  url: unknown,
  filename: string | undefined,
  field: string,
): Attachment {
  if (typeof url !== 'string') throw new WireRequestError(`'${field}' must be a string`);
  const named = filename === undefined ? {} : { filename };
  const data = DATA_URL.exec(url);
  if (data) return { kind, mediaType: data[1]!, data: data[2]!, ...named };
  return { kind, mediaType: 'application/octet-stream', url, ...named };
}
