import type { IncomingHttpHeaders } from 'node:http';
import { describe, expect, it } from 'vitest';
import { headerRecord, nodeHeaderRecord } from '../src/context.ts';

/** Web `Headers` built from node's parsed headers, as the node path built them before. */
function viaWebHeaders(headers: IncomingHttpHeaders): Readonly<Record<string, string>> {
  const web = new Headers();
  for (const [key, value] of Object.entries(headers)) {
    if (value === undefined || key.startsWith(':')) continue;
    if (Array.isArray(value)) for (const item of value) web.append(key, item);
    else web.set(key, value);
  }
  return headerRecord(web);
}

describe('nodeHeaderRecord (ctx.headers on the node path, without web Headers)', () => {
  it('is the record headerRecord makes from the same headers: order, joins, private ones left out', () => {
    const headers: IncomingHttpHeaders = {
      'x-tenant': 'acme',
      accept: 'application/json, text/plain',
      authorization: 'Bearer abc.def.ghi',
      cookie: 'a=1; b=2',
      'proxy-authorization': 'Basic xyz',
      'content-type': 'application/json',
      'set-cookie': ['one=1', 'two=2'],
      'x-forwarded-for': '10.0.0.1, 10.0.0.2',
      ':authority': 'example.com',
      host: '127.0.0.1:3000',
    };
    const ours = nodeHeaderRecord(headers);
    expect(ours).toEqual(viaWebHeaders(headers));
    expect(Object.keys(ours)).toEqual(Object.keys(viaWebHeaders(headers)));
    expect(Object.isFrozen(ours)).toBe(true);
    expect(ours).not.toHaveProperty('authorization');
  });
});
