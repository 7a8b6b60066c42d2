import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWK } from 'jose';

/** A JWKS endpoint on 127.0.0.1 that counts its requests and can switch keys or go down. */
export interface JwksServer {
  readonly url: string;
  /** Requests answered so far. */
  readonly requests: number;
  setKeys(keys: readonly JWK[]): void;
  /** While true, every request is answered 503 (and still counted). */
  setFailing(failing: boolean): void;
  /** Stops listening; later fetches get connection refused. */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Listens on `port` (default: any free one) on 127.0.0.1. */
export async function startJwksServer(keys: readonly JWK[], port = 0): Promise<JwksServer> {
  let current = keys;
  let requests = 0;
  let failing = false;
  const server: Server = createServer((request, response) => {
    requests += 1;
    if (failing) {
      response.writeHead(503).end();
      return;
    }
    if (request.url !== '/.well-known/jwks.json') {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ keys: current }));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return {
    url: `http://127.0.0.1:${address.port}/.well-known/jwks.json`,
    get requests() {
      return requests;
    },
    setKeys(keys) {
      current = keys;
    },
    setFailing(value) {
      failing = value;
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

/** A loopback URL where nothing listens: bind a port, then release it. */
export async function unusedJwksUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/.well-known/jwks.json`;
}
