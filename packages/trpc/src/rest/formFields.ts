/**
 * Reads the text fields of a multipart/form-data body directly. A run request is a handful of
 * short text fields; decoding it through `Response.formData()` (what `c.req.parseBody()` does)
 * builds a Response, a FormData and per-part Blobs, which cost more than the rest of the request.
 * Returns undefined for anything that is not plain text fields (files, other part types or
 * transfer encodings, a preamble, a malformed body): the caller then falls back to the full parser,
 * so what is accepted and how it reads is unchanged.
 */
export function readTextMultipart(
  body: Uint8Array,
  contentType: string,
): Record<string, string> | undefined {
  const boundary = boundaryOf(contentType);
  if (boundary === undefined) return undefined;
  const text = utf8.decode(body);
  const delimiter = `--${boundary}`;
  if (!text.startsWith(delimiter)) return undefined;
  // A value sliced from `text` would keep the whole body alive as long as the value is kept (a
  // run's message is kept with its record), so values are copied out of the bytes instead. That
  // needs one UTF-16 unit per byte (ASCII, the usual case): then offsets agree, and each byte
  // decodes on its own the same as within the whole body.
  const bytes =
    text.length === body.byteLength
      ? Buffer.from(body.buffer, body.byteOffset, body.byteLength)
      : undefined;
  const fields: Record<string, string> = Object.create(null);
  let at = delimiter.length;
  for (;;) {
    if (text.startsWith('--', at)) return fields;
    if (!text.startsWith('\r\n', at)) return undefined;
    const headersStart = at + 2;
    const headersEnd = text.indexOf('\r\n\r\n', headersStart);
    if (headersEnd < 0) return undefined;
    const name = textFieldName(text.slice(headersStart, headersEnd));
    if (name === undefined) return undefined;
    const valueStart = headersEnd + 4;
    const valueEnd = text.indexOf(`\r\n${delimiter}`, valueStart);
    if (valueEnd < 0) return undefined;
    // The last value of a repeated field wins, as with `parseBody()`.
    fields[name] = bytes
      ? bytes.toString('utf8', valueStart, valueEnd)
      : text.slice(valueStart, valueEnd);
    at = valueEnd + 2 + delimiter.length;
  }
}

const utf8 = new TextDecoder();

const BOUNDARY = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i;

function boundaryOf(contentType: string): string | undefined {
  const match = BOUNDARY.exec(contentType);
  return match?.[1] ?? match?.[2];
}

const QUOTED_NAME = /;\s*name="([^"]*)"/i;

/** What FormData encoders and Agno's clients send for a text field: this one header alone. */
const PLAIN_DISPOSITION = 'Content-Disposition: form-data; name="';
/** A name the general reading below takes as it is (no quote, `;`, `=` or line break in it). */
const PLAIN_NAME = /^[\w.-]*$/;

/** The field name of a part whose headers describe a plain text field, else undefined. */
function textFieldName(headers: string): string | undefined {
  if (
    headers.length > PLAIN_DISPOSITION.length &&
    headers.startsWith(PLAIN_DISPOSITION) &&
    headers.endsWith('"')
  ) {
    const plain = headers.slice(PLAIN_DISPOSITION.length, -1);
    if (PLAIN_NAME.test(plain)) return plain;
  }
  let name: string | undefined;
  for (const line of headers.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) return undefined;
    const header = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (header === 'content-disposition') {
      if (!/^form-data\s*;/i.test(value) || /;\s*filename\*?=/i.test(value)) return undefined;
      name = QUOTED_NAME.exec(value)?.[1];
      if (name === undefined) return undefined;
    } else if (header === 'content-type') {
      if (!/^text\/plain\s*(;\s*charset="?utf-8"?\s*)?$/i.test(value)) return undefined;
    } else {
      return undefined;
    }
  }
  return name;
}
