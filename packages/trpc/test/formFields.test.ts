import { describe, expect, it } from 'vitest';
import { readTextMultipart as readBytes } from '../src/rest/formFields.ts';

/** The reader takes the body's bytes; these tests write bodies as text (UTF-8). */
function readTextMultipart(
  body: string | Uint8Array,
  type: string,
): Record<string, string> | undefined {
  return readBytes(typeof body === 'string' ? new TextEncoder().encode(body) : body, type);
}

/** A body as fetch encodes a FormData: the reference the direct reader must agree with. */
async function encode(form: FormData): Promise<{ body: string; type: string }> {
  const request = new Request('http://localhost/', { method: 'POST', body: form });
  return { body: await request.text(), type: request.headers.get('content-type') ?? '' };
}

async function viaFormData(body: string, type: string): Promise<Record<string, string>> {
  const form = await new Response(body, { headers: { 'content-type': type } }).formData();
  const fields: Record<string, string> = {};
  form.forEach((value, key) => {
    fields[key] = String(value);
  });
  return fields;
}

describe('readTextMultipart', () => {
  it('reads the text fields exactly as FormData does', async () => {
    const form = new FormData();
    form.set('message', 'What are the latest trends in AI?');
    form.set('factory_input', '{"persona": "skeptic", "depth": 5}');
    form.set('stream', 'false');
    form.set('multiline', 'first line\r\nsecond -- line\n\nünïcödé ✓');
    form.set('empty', '');
    const { body, type } = await encode(form);
    expect({ ...readTextMultipart(body, type) }).toEqual(await viaFormData(body, type));
  });

  it("reads curl -F's encoding (quoted boundary, text/plain parts)", () => {
    const type = 'multipart/form-data; boundary="------------------------abc123"';
    const body =
      '--------------------------abc123\r\n' +
      'Content-Disposition: form-data; name="message"\r\n' +
      'Content-Type: text/plain; charset=utf-8\r\n\r\n' +
      'Hello, who are you?\r\n' +
      '--------------------------abc123\r\n' +
      'Content-Disposition: form-data; name="user_id"\r\n\r\n' +
      'tenant_42\r\n' +
      '--------------------------abc123--\r\n';
    expect({ ...readTextMultipart(body, type) }).toEqual({
      message: 'Hello, who are you?',
      user_id: 'tenant_42',
    });
  });

  it('keeps the last value of a repeated field', async () => {
    const form = new FormData();
    form.append('message', 'first');
    form.append('message', 'second');
    const { body, type } = await encode(form);
    expect(readTextMultipart(body, type)?.message).toBe('second');
  });

  it('declines files, other part types, preambles and malformed bodies (the caller falls back)', async () => {
    const withFile = new FormData();
    withFile.set('message', 'hi');
    withFile.set('file', new Blob(['data'], { type: 'text/plain' }), 'notes.txt');
    const file = await encode(withFile);
    expect(readTextMultipart(file.body, file.type)).toBeUndefined();

    const type = 'multipart/form-data; boundary=b';
    const part = (headers: string) => `--b\r\n${headers}\r\n\r\nvalue\r\n--b--\r\n`;
    expect(readTextMultipart(part('Content-Disposition: form-data; name="a"'), type)).toEqual({
      a: 'value',
    });
    expect(
      readTextMultipart(
        part('Content-Disposition: form-data; name="a"\r\nContent-Type: application/json'),
        type,
      ),
    ).toBeUndefined();
    expect(
      readTextMultipart(
        part('Content-Disposition: form-data; name="a"\r\nContent-Transfer-Encoding: base64'),
        type,
      ),
    ).toBeUndefined();
    expect(
      readTextMultipart(part('Content-Disposition: attachment; name="a"'), type),
    ).toBeUndefined();
    expect(
      readTextMultipart(`preamble\r\n${part('Content-Disposition: form-data; name="a"')}`, type),
    ).toBeUndefined();
    expect(
      readTextMultipart('--b\r\nContent-Disposition: form-data; name="a"\r\n\r\nvalue', type),
    ).toBeUndefined();
    expect(
      readTextMultipart(part('Content-Disposition: form-data; name="a"'), 'multipart/form-data'),
    ).toBeUndefined();
  });

  it('reads each value as the decoded whole body would have it (bad UTF-8, BOM, non-ASCII)', () => {
    const type = 'multipart/form-data; boundary=b';
    const bytes = (...parts: (string | number[])[]) =>
      Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));
    // A truncated sequence right before the delimiter, a lone continuation byte, an invalid lead.
    const body = bytes(
      '--b\r\nContent-Disposition: form-data; name="ünï"\r\n\r\n',
      [0x61, 0xe2, 0x82],
      '\r\n--b\r\nContent-Disposition: form-data; name="x"\r\n\r\n',
      [0x80, 0x62, 0xff, 0xef, 0xbb, 0xbf],
      '\r\n--b--\r\n',
    );
    const expected = { ünï: 'a\ufffd', x: '\ufffdb\ufffd\ufeff' };
    expect({ ...readTextMultipart(body, type) }).toEqual(expected);
    // Decoding the whole body first dropped a leading byte order mark: so does the reader.
    const withMark = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), body]);
    expect({ ...readTextMultipart(withMark, type) }).toEqual(expected);
    // A boundary with a non-ASCII character matches its UTF-8 bytes, as the decoded text did.
    // Lone invalid bytes decode one for one: the values are copied out of the bytes then.
    const lone = bytes(
      '--b\r\nContent-Disposition: form-data; name="x"\r\n\r\n',
      [0x61, 0xff, 0x80],
      '\r\n--b--\r\n',
    );
    expect({ ...readTextMultipart(lone, type) }).toEqual({ x: 'a\ufffd\ufffd' });
    const accented = 'multipart/form-data; boundary=é';
    const part = '--é\r\nContent-Disposition: form-data; name="a"\r\n\r\nv\r\n--é--\r\n';
    expect({ ...readTextMultipart(part, accented) }).toEqual({ a: 'v' });
  });

  it('reads a field from a view into a larger buffer', () => {
    const text = '--b\r\nContent-Disposition: form-data; name="a"\r\n\r\nvalue\r\n--b--\r\n';
    const backing = Buffer.from(`xxxx${text}yyyy`);
    const view = new Uint8Array(backing.buffer, backing.byteOffset + 4, Buffer.byteLength(text));
    expect({ ...readTextMultipart(view, 'multipart/form-data; boundary=b') }).toEqual({
      a: 'value',
    });
  });

  it('reads the common one-header parts as the general header reading does', () => {
    const type = 'multipart/form-data; boundary=b';
    const read = (headers: string) =>
      readTextMultipart(`--b\r\n${headers}\r\n\r\nvalue\r\n--b--\r\n`, type);
    expect(read('Content-Disposition: form-data; name="user_id"')).toEqual({ user_id: 'value' });
    expect(read('Content-Disposition: form-data; name=""')).toEqual({ '': 'value' });
    expect(read('Content-Disposition: form-data; name="a b"')).toEqual({ 'a b': 'value' });
    expect(read('Content-Disposition: form-data; name="')).toBeUndefined();
    expect(read('Content-Disposition: form-data; name="a; filename=x"')).toBeUndefined();
    expect(read('Content-Disposition: form-data; name="a"; filename="x"')).toBeUndefined();
  });
});
