/** A bearer token, or a function called before every request and every SSE (re)connect. */
export type TokenProvider = string | (() => string | undefined | Promise<string | undefined>);

/** Extra headers, or a function called before every request and every SSE (re)connect. */
export type HeadersProvider =
  | Record<string, string>
  | (() => Record<string, string> | Promise<Record<string, string>>);

/**
 * The W3C `traceparent` of the caller's current span, asked before every request and SSE
 * (re)connect, so the server's spans join the caller's trace. Undefined sends none.
 */
export type TraceparentProvider = () => string | undefined;

/** Builds the header resolver both links share, so batch calls and SSE send the same credentials. */
export function requestHeaders(options: {
  readonly token?: TokenProvider | undefined;
  readonly headers?: HeadersProvider | undefined;
  readonly traceparent?: TraceparentProvider | undefined;
}): () => Promise<Record<string, string>> {
  const { token, headers, traceparent } = options;
  return async () => {
    // Read before any await: the caller's active span is the one current at the call.
    const parent = traceparent?.();
    const [base, bearer] = await Promise.all([
      typeof headers === 'function' ? headers() : headers,
      typeof token === 'function' ? token() : token,
    ]);
    return {
      ...base,
      ...(bearer && { authorization: `Bearer ${bearer}` }),
      ...(parent && { traceparent: parent }),
    };
  };
}
