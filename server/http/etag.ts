import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Conditional GET for the routes consoles poll, from stored versions (server/db/versions.ts):
 * the route reads the version of what it shows (one primary-key lookup), names it in a weak
 * ETag together with everything else the body depends on (the query, the user's role, the
 * minute the SLA clocks were read at…), and answers 304 before running its queries when the
 * client's If-None-Match names that tag. The version is read BEFORE the queries, so a change
 * racing with them gives the client a newer body under an older tag (one more 200 at the next
 * poll), never an old body under a new tag.
 * `private, no-cache`: the answer depends on the session, so no shared cache keeps it, and the
 * browser asks again each poll. Errors never get an ETag (the caller tags only a 200).
 */
export function versionTag(...parts: unknown[]): string {
  return `W/"${createHash('sha1').update(JSON.stringify(parts)).digest('base64url').slice(0, 22)}"`;
}

/**
 * 304 with no body when the client's If-None-Match names `etag`, without calling `compute`;
 * else the body `compute` makes, tagged. Only a successful answer is tagged: an error thrown
 * by `compute` goes out without the ETag.
 */
export async function unlessNotModified<T>(request: FastifyRequest, reply: FastifyReply, etag: string, compute: () => Promise<T>): Promise<T | FastifyReply> {
  if (matches(request.headers['if-none-match'], etag)) return tagged(reply, etag).code(304).send();
  const body = await compute();
  tagged(reply, etag);
  return body;
}

const tagged = (reply: FastifyReply, etag: string) => reply.header('etag', etag).header('cache-control', 'private, no-cache');

/** If-None-Match compares weakly (RFC 9110 13.1.2): W/"x" and "x" name the same version. */
function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => tag.trim() === '*' || opaque(tag) === opaque(etag));
}
