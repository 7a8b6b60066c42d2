import { UnauthenticatedError } from '@agentmint/core';

export interface BearerTokenOptions {
  readonly cookieName: string | undefined;
  readonly maxTokenBytes: number;
}

/** The one message for every bad token, so a client learns nothing about which check failed. */
export const INVALID_TOKEN_MESSAGE = 'The bearer token is invalid or expired';

const BEARER = /^Bearer +(\S+)$/i;
// Compact JWS: three base64url segments; the signature may be empty only to be rejected later.
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * The token from `Authorization: Bearer …`, or from the configured cookie when there is no
 * Authorization header. Throws UnauthenticatedError; the cause says why, for logs only.
 */
export function readBearerToken(headers: Headers, options: BearerTokenOptions): string {
  const authorization = headers.get('authorization');
  const token =
    authorization === null
      ? readCookie(headers, options)
      : readAuthorization(authorization, options.maxTokenBytes);
  assertTokenShape(token, options.maxTokenBytes);
  return token;
}

/** Refuses an oversized or non-JWS token before any decoding; throws UnauthenticatedError. */
export function assertTokenShape(token: string, maxTokenBytes: number): void {
  // Size first, so an oversized value is refused without running anything else on it.
  if (token.length > maxTokenBytes) {
    throw invalid(`token is longer than maxTokenBytes (${maxTokenBytes})`);
  }
  if (!COMPACT_JWS.test(token)) throw invalid('token is not a compact JWS');
}

function readAuthorization(value: string, maxTokenBytes: number): string {
  // "Bearer " plus the token: anything longer cannot hold an acceptable token.
  if (value.length > maxTokenBytes + 64) {
    throw invalid(`Authorization header is longer than maxTokenBytes (${maxTokenBytes})`);
  }
  const match = BEARER.exec(value);
  if (match?.[1] === undefined) {
    throw new UnauthenticatedError('The Authorization header must be "Bearer <token>"', {
      cause: new Error('Authorization header does not use the Bearer scheme'),
    });
  }
  return match[1];
}

function readCookie(headers: Headers, options: BearerTokenOptions): string {
  const cookieHeader = options.cookieName === undefined ? null : headers.get('cookie');
  if (options.cookieName !== undefined && cookieHeader !== null) {
    for (const pair of cookieHeader.split(';')) {
      const separator = pair.indexOf('=');
      if (separator === -1 || pair.slice(0, separator).trim() !== options.cookieName) continue;
      const value = pair.slice(separator + 1).trim();
      if (value.length > options.maxTokenBytes + 2) {
        throw invalid(`cookie is longer than maxTokenBytes (${options.maxTokenBytes})`);
      }
      // RFC 6265 allows a quoted cookie value.
      return value.length >= 2 && value.startsWith('"') && value.endsWith('"')
        ? value.slice(1, -1)
        : value;
    }
  }
  const where = options.cookieName === undefined ? '' : ` or the '${options.cookieName}' cookie`;
  throw new UnauthenticatedError(
    `A bearer token is required: send Authorization: Bearer <token>${where}`,
  );
}

function invalid(reason: string): UnauthenticatedError {
  return new UnauthenticatedError(INVALID_TOKEN_MESSAGE, { cause: new Error(reason) });
}
