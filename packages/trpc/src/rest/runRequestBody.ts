import { AgentMintError, type Attachment, MAX_ID_LENGTH } from '@agentmint/core';
import type { Context } from 'hono';
import { readTextMultipart } from './formFields.ts';
import { readJsonObject } from './jsonBody.ts';
import { jsonAttachments, multipartAttachments } from './restAttachments.ts';

/** The fields of `POST /agents/{id}/runs`, whatever the body's encoding. */
export interface RunRequestFields {
  readonly message: string;
  readonly stream: boolean;
  /** Agno's `background`: the run outlives the request (202 without stream; SSE that survives the client). */
  readonly background: boolean;
  readonly sessionId: string | undefined;
  readonly userId: string | undefined;
  /** A JSON string (forms) or any JSON value (JSON bodies); validated later by the factory schema. */
  readonly factoryInput: unknown;
  /** `images` and `files` (multipart uploads, or JSON `{ url }` / `{ content, mime_type }`). */
  readonly attachments: readonly Attachment[] | undefined;
}

/** Reads multipart, urlencoded or JSON bodies (Agno's clients send all three). */
export async function readRunRequest(c: Context): Promise<RunRequestFields> {
  const type = c.req.header('content-type') ?? '';
  let body: Record<string, unknown>;
  let attachments: readonly Attachment[] | undefined;
  if (type.includes('application/json')) {
    body = await readJsonObject(c);
    attachments = jsonAttachments(body);
  } else if (
    type.includes('multipart/form-data') ||
    type.includes('application/x-www-form-urlencoded')
  ) {
    try {
      body = await readForm(c, type);
    } catch {
      throw new AgentMintError('BAD_REQUEST', 'The form body could not be parsed');
    }
    attachments = await multipartAttachments(body);
  } else if (type === '') {
    body = Object.fromEntries(new URL(c.req.url).searchParams);
  } else {
    throw new AgentMintError(
      'UNSUPPORTED_MEDIA_TYPE',
      'Send multipart/form-data, application/x-www-form-urlencoded or application/json',
    );
  }
  const message = body.message;
  if (typeof message !== 'string' || message.length === 0) {
    throw new AgentMintError('BAD_REQUEST', '`message` is required');
  }
  return {
    message,
    stream: readBoolean(body.stream, true, 'stream'),
    background: readBoolean(body.background, false, 'background'),
    sessionId: optionalString(body.session_id, 'session_id'),
    userId: optionalString(body.user_id, 'user_id'),
    factoryInput: body.factory_input,
    attachments,
  };
}

const utf8 = new TextDecoder();

/**
 * Form fields, read straight from the bytes when they are plain text (what Agno's clients and
 * `curl -F` send); anything else goes through Hono's full parser, which reads the cached bytes.
 */
async function readForm(c: Context, type: string): Promise<Record<string, unknown>> {
  const text = utf8.decode(await c.req.arrayBuffer());
  if (type.includes('application/x-www-form-urlencoded')) {
    const fields: Record<string, string> = Object.create(null);
    for (const [key, value] of new URLSearchParams(text)) fields[key] = value;
    return fields;
  }
  // `all`: several uploads under one field (`-F images=@a.png -F images=@b.png`) all arrive.
  return (
    readTextMultipart(text, type) ??
    ((await c.req.parseBody({ all: true })) as Record<string, unknown>)
  );
}

function optionalString(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' || value.length > MAX_ID_LENGTH) {
    throw new AgentMintError(
      'BAD_REQUEST',
      `\`${field}\` must be a string of at most ${MAX_ID_LENGTH} characters`,
    );
  }
  return value;
}

function readBoolean(value: unknown, fallback: boolean, field: string): boolean {
  if (value === undefined || value === null || value === '') return fallback;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const lowered = value.toLowerCase();
    if (lowered === 'true' || lowered === '1') return true;
    if (lowered === 'false' || lowered === '0') return false;
  }
  throw new AgentMintError('BAD_REQUEST', `\`${field}\` must be true or false`);
}
