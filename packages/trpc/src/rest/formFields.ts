/**
 * Reads the text fields of a multipart/form-data body directly. A run request is a handful of
 * short text fields; decoding it through `Response.formData()` (what `c.req.parseBody()` does)
 * builds a Response, a FormData and per-part Blobs, which cost more than the rest of the request.
 * Returns undefined for anything that is not plain text fields (files, other part types or
 * transfer encodings, a preamble, a malformed body): the caller then falls back to the full parser,
 * so what is accepted and how it reads is unchanged.
 */
export function readTextMultipart(
  body: string,
  contentType: string,
): Record<string, string> | undefined {
  const boundary = boundaryOf(contentType);
  if (boundary === undefined) return undefined;
  const delimiter = `--${boundary}`;
  if (!body.startsWith(delimiter)) return undefined;
  const fields: Record<string, string> = Object.create(null);
  let at = delimiter.length;
  for (;;) {
    if (body.startsWith('--', at)) return fields;
    if (!body.startsWith('\r\n', at)) return undefined;
    const headersStart = at + 2;
    const headersEnd = body.indexOf('\r\n\r\n', headersStart);
    if (headersEnd < 0) return undefined;
    const name = textFieldName(body.slice(headersStart, headersEnd));
    if (name === undefined) return undefined;
    const valueStart = headersEnd + 4;
    const valueEnd = body.indexOf(`\r\n${delimiter}`, valueStart);
    if (valueEnd < 0) return undefined;
    // The last value of a repeated field wins, as with `parseBody()`.
    fields[name] = body.slice(valueStart, valueEnd);
    at = valueEnd + 2 + delimiter.length;
  }
}

const BOUNDARY = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i;

function boundaryOf(contentType: string): string | undefined {
  const match = BOUNDARY.exec(contentType);
  return match?.[1] ?? match?.[2];
}

const QUOTED_NAME = /;\s*name="([^"]*)"/i;

/** The field name of a part whose headers describe a plain text field, else undefined. */
function textFieldName(headers: string): string | undefined {
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
