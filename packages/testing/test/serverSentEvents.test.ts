import { describe, expect, it } from 'vitest';
import { parseServerSentEvents } from '../src/index.ts';

describe('parseServerSentEvents', () => {
  it('dispatches blocks with data, skipping comments and a bare retry:', () => {
    const body =
      'retry: 250\n\n: ping\n\nevent: RunStarted\nid: 1\ndata: {"a":1}\n\ndata: {"b":2}\n\n';
    expect(parseServerSentEvents(body)).toEqual([
      { event: 'RunStarted', id: '1', data: { a: 1 } },
      { event: 'message', id: undefined, data: { b: 2 } },
    ]);
  });

  it('joins multi-line data and accepts CRLF', () => {
    expect(parseServerSentEvents('event: x\r\ndata: {"a":\r\ndata: 1}\r\n\r\n')).toEqual([
      { event: 'x', id: undefined, data: { a: 1 } },
    ]);
  });
});
