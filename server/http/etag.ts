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

export const tagged = (reply: FastifyReply, etag: string) => reply.header('etag', etag).header('cache-control', 'private, no-cache');

/** If-None-Match compares weakly (RFC 9110 13.1.2): W/"x" and "x" name the same version. */
export function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => tag.trim() === '*' || opaque(tag) === opaque(etag));
}

/**
 * Conditional GET for an answer that also changes with time (the list's SLA zones): the tag names
 * `key` (the stored version and the view) plus what `compute` says the body shows (`shows`), and
 * stays good until `until` (ms; the next instant the body would change by time alone). Per
 * process, each key remembers the tag it last served and until when: before that instant a
 * matching If-None-Match is a 304 without computing; after it (or unknown here, e.g. on another
 * process) the body is computed again, and is still a 304 when it names the same tag.
 */
export class TimedTags {
  readonly #served = new Map<string, { etag: string; until: number }>();

  async answer<T>(
    request: FastifyRequest,
    reply: FastifyReply,
    key: string,
    compute: () => Promise<{ body: T; shows: unknown; until: number }>,
  ): Promise<T | FastifyReply> {
    const header = request.headers['if-none-match'];
    const served = this.#served.get(key);
    if (served && Date.now() < served.until && matches(header, served.etag)) return tagged(reply, served.etag).code(304).send();
    const { body, shows, until } = await compute();
    const etag = versionTag(key, shows);
    if (this.#served.size >= 10_000) this.#served.clear();
    this.#served.set(key, { etag, until });
    if (matches(header, etag)) return tagged(reply, etag).code(304).send();
    tagged(reply, etag);
    return body;
  }
}
