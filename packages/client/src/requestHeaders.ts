/** A bearer token, or a function called before every request and every SSE (re)connect. */
export type TokenProvider = string | (() => string | undefined | Promise<string | undefined>);

/** Extra headers, or a function called before every request and every SSE (re)connect. */
export type HeadersProvider =
  | Record<string, string>
  | (() => Record<string, string> | Promise<Record<string, string>>);

/** Builds the header resolver both links share, so batch calls and SSE send the same credentials. */
export function requestHeaders(options: {
  readonly token?: TokenProvider | undefined;
  readonly headers?: HeadersProvider | undefined;
}): () => Promise<Record<string, string>> {
  const { token, headers } = options;
  return async () => {
    const [base, bearer] = await Promise.all([
      typeof headers === 'function' ? headers() : headers,
      typeof token === 'function' ? token() : token,
    ]);
    return bearer ? { ...base, authorization: `Bearer ${bearer}` } : { ...base };
  };
}
