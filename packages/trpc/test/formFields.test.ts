import { describe, expect, it } from 'vitest';
import { readTextMultipart } from '../src/rest/formFields.ts';

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
});
