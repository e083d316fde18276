import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Conditional GET for the routes consoles poll: a weak ETag from the body's hash, and 304 with no
 * body when the client's If-None-Match names it. Derived from the body, so it is right by
 * construction: whatever differs (another user's view, a query, a delivery state) differs in it.
 * It saves the bytes and the client's work, not the server's query (that needs a stored version).
 * Only successful GETs: an error body must never be answered with 304. `private, no-cache`: the
 * answer depends on the session, so no shared cache keeps it, and the browser asks again each poll.
 * (@fastify/etag does the same for every method and status of a scope, which is why not it.)
 */
export function conditionalGet(request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (err: null, payload?: unknown) => void) {
  if (request.method !== 'GET' || reply.statusCode !== 200 || !(typeof payload === 'string' || Buffer.isBuffer(payload))) return done(null, payload);
  const etag = `W/"${createHash('sha1').update(payload).digest('base64url')}"`;
  reply.header('etag', etag).header('cache-control', 'private, no-cache');
  if (!matches(request.headers['if-none-match'], etag)) return done(null, payload);
  reply.code(304);
  done(null, '');
}

/** If-None-Match compares weakly (RFC 9110 13.1.2): W/"x" and "x" name the same version. */
function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => tag.trim() === '*' || opaque(tag) === opaque(etag));
}
