import {
  AgentMintError,
  type Attachment,
  MAX_ID_LENGTH,
  type ToolExecutionInput,
} from '@agentmint/core';
import type { Context } from 'hono';
import { readTextMultipart } from './formFields.ts';
import { readJsonObject } from './jsonBody.ts';
import { jsonAttachments, multipartAttachments } from './restAttachments.ts';
import { restToolExecutions } from './restToolExecutions.ts';

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
  const { body, attachments } = await readRequestBody(c);
  const message = body.message;
  if (typeof message !== 'string' || message.length === 0) {
    throw new AgentMintError('BAD_REQUEST', '`message` is required');
  }
  return {
    message,
    ...commonFields(body),
    userId: optionalString(body.user_id, 'user_id'),
    factoryInput: body.factory_input,
    attachments,
  };
}

/** The fields of `POST /agents/{id}/runs/{run_id}/continue` (Agno's names), whatever the encoding. */
export interface ContinueRequestFields {
  /** Agno's `tools`: a JSON array (a JSON string in forms), snake_case ToolExecutions. */
  readonly tools: readonly ToolExecutionInput[] | undefined;
  /** Agno's `input` (`message` is accepted too). */
  readonly input: string | undefined;
  readonly fork: boolean;
  readonly stream: boolean;
  readonly background: boolean;
  readonly sessionId: string | undefined;
  readonly userId: string | undefined;
}

export async function readContinueRequest(c: Context): Promise<ContinueRequestFields> {
  const { body, attachments } = await readRequestBody(c);
  if (attachments && attachments.length > 0) {
    // Refused rather than dropped: a continue carries decisions and text only.
    throw new AgentMintError('BAD_REQUEST', 'A continue takes no `images` or `files`');
  }
  const input = body.input ?? body.message;
  if (input !== undefined && input !== null && typeof input !== 'string') {
    throw new AgentMintError('BAD_REQUEST', '`input` must be a string');
  }
  return {
    tools: restToolExecutions(body.tools),
    input: input === null || input === '' ? undefined : input,
    fork: readBoolean(body.fork, false, 'fork'),
    ...commonFields(body),
    userId: optionalString(body.user_id, 'user_id'),
  };
}

function commonFields(body: Record<string, unknown>) {
  return {
    stream: readBoolean(body.stream, true, 'stream'),
    background: readBoolean(body.background, false, 'background'),
    sessionId: optionalString(body.session_id, 'session_id'),
  };
}

async function readRequestBody(
  c: Context,
): Promise<{ body: Record<string, unknown>; attachments: readonly Attachment[] | undefined }> {
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
    let form: ReadForm;
    try {
      form = await readForm(c, type);
    } catch {
      throw new AgentMintError('BAD_REQUEST', 'The form body could not be parsed');
    }
    body = form.fields;
    // Text fields alone carry no upload: only the full parser's fields can hold files.
    attachments = form.textOnly ? undefined : await multipartAttachments(body);
  } else if (type === '') {
    body = Object.fromEntries(new URL(c.req.url).searchParams);
  } else {
    throw new AgentMintError(
      'UNSUPPORTED_MEDIA_TYPE',
      'Send multipart/form-data, application/x-www-form-urlencoded or application/json',
    );
  }
  return { body, attachments };
}

const utf8 = new TextDecoder();

/**
 * Form fields, read straight from the bytes when they are plain text (what Agno's clients and
 * `curl -F` send); anything else goes through Hono's full parser, which reads the cached bytes.
 */
async function readForm(c: Context, type: string): Promise<ReadForm> {
  const bytes = new Uint8Array(await c.req.arrayBuffer());
  if (type.includes('application/x-www-form-urlencoded')) {
    const fields: Record<string, string> = Object.create(null);
    for (const [key, value] of new URLSearchParams(utf8.decode(bytes))) fields[key] = value;
    return { fields, textOnly: true };
  }
  const text = readTextMultipart(bytes, type);
  if (text) return { fields: text, textOnly: true };
  // `all`: several uploads under one field (`-F images=@a.png -F images=@b.png`) all arrive.
  const fields = (await c.req.parseBody({ all: true })) as Record<string, unknown>;
  return { fields, textOnly: false };
}

/** A form's fields; `textOnly` when every value is a string (no part can be an upload). */
interface ReadForm {
  readonly fields: Record<string, unknown>;
  readonly textOnly: boolean;
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
