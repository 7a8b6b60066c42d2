/**
 * The parts of a web `Request` that tRPC's `resolveResponse` reads for JSON and GET calls (url,
 * method, headers, signal, `text()`), over a body already read into a string. Building an undici
 * `Request` per call costs more than the rest of a small tRPC call; anything else it might read is
 * served by a real `Request`, built on first use.
 */
export class BufferedRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Headers;
  readonly signal: AbortSignal;
  readonly #body: string | undefined;
  #real: Request | undefined;

  constructor(
    url: string,
    init: { method: string; headers: Headers; signal: AbortSignal; body?: string },
  ) {
    this.url = url;
    this.method = init.method;
    this.headers = init.headers;
    this.signal = init.signal;
    this.#body = init.body;
  }

  text(): Promise<string> {
    return Promise.resolve(this.#body ?? '');
  }

  async json(): Promise<unknown> {
    return JSON.parse(this.#body ?? '');
  }

  get body(): ReadableStream<Uint8Array> | null {
    return this.toRequest().body;
  }

  formData(): Promise<FormData> {
    return this.toRequest().formData();
  }

  arrayBuffer(): Promise<ArrayBuffer> {
    return this.toRequest().arrayBuffer();
  }

  /** A real web Request with the same url, method, headers, signal and body. */
  toRequest(): Request {
    this.#real ??= new Request(this.url, {
      method: this.method,
      headers: this.headers,
      signal: this.signal,
      ...(this.#body !== undefined && { body: this.#body }),
    });
    return this.#real;
  }
}
