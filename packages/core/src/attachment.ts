import { AgentMintError } from './errors/agentMintError.ts';

/** Where an attachment's bytes are: inline (base64) or at a URL the model fetches. */
export type AttachmentSource =
  | { readonly data: string; readonly url?: undefined }
  | { readonly url: string; readonly data?: undefined };

/** An image or a file sent with a user message (REST `images` / `files`, tRPC `attachments`). */
export type Attachment = {
  readonly kind: 'image' | 'file';
  /** e.g. `image/png`, `application/pdf`. */
  readonly mediaType: string;
  readonly filename?: string | undefined;
} & AttachmentSource;

/** What a run accepts: media types per kind, bytes per attachment and attachments per message. */
export interface AttachmentLimits {
  readonly imageTypes: readonly string[];
  readonly fileTypes: readonly string[];
  /** Decoded bytes per attachment. */
  readonly maxBytes: number;
  readonly maxCount: number;
}

export const DEFAULT_ATTACHMENT_LIMITS: AttachmentLimits = Object.freeze({
  imageTypes: Object.freeze(['image/png', 'image/jpeg', 'image/webp', 'image/gif']),
  fileTypes: Object.freeze([
    'application/pdf',
    'text/plain',
    'text/markdown',
    'text/csv',
    'application/json',
  ]),
  maxBytes: 10 * 1024 * 1024,
  maxCount: 10,
});

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Checks attachments against `limits`: too many or too big → PAYLOAD_TOO_LARGE (413), a media type
 * not accepted → UNSUPPORTED_MEDIA_TYPE (415), malformed → BAD_REQUEST. Nothing is dropped.
 */
export function assertAttachments(
  attachments: readonly Attachment[],
  limits: AttachmentLimits = DEFAULT_ATTACHMENT_LIMITS,
): void {
  if (attachments.length > limits.maxCount) {
    throw new AgentMintError(
      'PAYLOAD_TOO_LARGE',
      `At most ${limits.maxCount} images and files per message, got ${attachments.length}`,
    );
  }
  for (const [index, attachment] of attachments.entries()) {
    const label = attachment.filename ?? `${attachment.kind} #${index + 1}`;
    const accepted = attachment.kind === 'image' ? limits.imageTypes : limits.fileTypes;
    if (!accepted.includes(attachment.mediaType)) {
      throw new AgentMintError(
        'UNSUPPORTED_MEDIA_TYPE',
        `'${label}' is ${attachment.mediaType || 'of no type'}; ${attachment.kind}s may be ${accepted.join(', ')}`,
      );
    }
    if (attachment.url !== undefined) {
      if (!/^https?:\/\//.test(attachment.url)) {
        throw new AgentMintError('BAD_REQUEST', `'${label}': url must be http(s)`);
      }
      continue;
    }
    if (typeof attachment.data !== 'string' || !BASE64.test(attachment.data)) {
      throw new AgentMintError('BAD_REQUEST', `'${label}': data must be base64 text`);
    }
    const bytes = Math.floor((attachment.data.length * 3) / 4) - paddingOf(attachment.data);
    if (bytes > limits.maxBytes) {
      throw new AgentMintError(
        'PAYLOAD_TOO_LARGE',
        `'${label}' is ${bytes} bytes; at most ${limits.maxBytes} per ${attachment.kind}`,
      );
    }
  }
}

function paddingOf(base64: string): number {
  return base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
}

/** `data:<type>;base64,<data>` for an inline attachment, else its URL. */
export function attachmentUrl(attachment: Attachment): string {
  return attachment.url ?? `data:${attachment.mediaType};base64,${attachment.data}`;
}
