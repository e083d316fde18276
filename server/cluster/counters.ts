import { createHash, randomUUID } from 'node:crypto';
import type { Db, PgQuery } from '../db/database.ts';

/**
 * Hits counted across every process that shares a PostgreSQL database (the RateHit table): the
 * login throttle's failures, the expensive routes' requests, the live sockets per session. Behind
 * a proxy that spreads requests, a bound kept in each process's memory would be N times larger
 * with N processes. Times are milliseconds on the database's clock (clock_timestamp(), not the
 * transaction's start), so processes whose clocks differ count alike. PostgreSQL only: SQLite runs
 * one process, whose memory is the whole truth.
 */
export interface SharedHits {
  /**
   * Records one hit on each key and answers, per key, the hits within `windowMs` (this one
   * included; oldest first) and the database's now. The hit is written before it is counted, so
   * two processes adding at once each see the other's: both may refuse, neither over-admits.
   */
  add(keys: string[], windowMs: number): Promise<{ now: number; times: Map<string, number[]>; ids: string[] }>;
  /** The hits within `windowMs` per key, oldest first, without adding one. */
  recent(keys: string[], windowMs: number): Promise<{ now: number; times: Map<string, number[]> }>;
  /** Forgets every hit of these keys. */
  clear(keys: string[]): Promise<void>;
  /** Forgets these hits (a socket that closed); `touch` moves them to now (a socket still open). */
  remove(ids: string[]): Promise<void>;
  touch(ids: string[]): Promise<void>;
}

const NOW_MS = 'extract(epoch from clock_timestamp()) * 1000';
/** A hit older than this is of no use to any window (the longest is the login's 15 min). */
const KEEP_MS = 60 * 60_000;

/**
 * Keys are stored hashed: they hold what a caller typed (a name as typed at login) and NUL
 * separators, which PostgreSQL text refuses; a hash is also of bounded length.
 */
const stored = (key: string) => createHash('sha256').update(key).digest('base64url');

async function timesOf(sql: PgQuery, keys: string[], windowMs: number) {
  const hashed = keys.map(stored);
  const rows = await sql<{ key: string | null; at: number; now: number }>(
    `SELECT r.key, r.at, n.now FROM (SELECT ${NOW_MS} AS now) n
       LEFT JOIN "RateHit" r ON r.key = ANY(:keys) AND r.at > n.now - :window
     ORDER BY r.at`,
    { keys: hashed, window: windowMs },
  );
  const times = new Map<string, number[]>(keys.map((key) => [key, []]));
  for (const row of rows) {
    if (row.key === null) continue;
    hashed.forEach((hash, i) => hash === row.key && times.get(keys[i]!)!.push(Number(row.at)));
  }
  return { now: Number(rows[0]!.now), times };
}

export function sharedHits(db: Db): SharedHits {
  return {
    add: (keys, windowMs) =>
      db.pgWrite(async (sql) => {
        const ids = keys.map(() => randomUUID());
        await sql(`INSERT INTO "RateHit" (id, key, at) SELECT unnest(:ids::text[]), unnest(:keys::text[]), ${NOW_MS}`, { ids, keys: keys.map(stored) });
        // Old hits are tidied where hits are written anyway; the index on "at" keeps it cheap.
        await sql(`DELETE FROM "RateHit" WHERE at < ${NOW_MS} - :keep`, { keep: KEEP_MS });
        return { ...(await timesOf(sql, keys, windowMs)), ids };
      }),
    // A read: on the reading connection, not behind the write queue.
    recent: (keys, windowMs) => timesOf((text, params) => db.all({ sqlite: '', postgres: text }, params), keys, windowMs),
    clear: (keys) => db.pgWrite(async (sql) => void (await sql('DELETE FROM "RateHit" WHERE key = ANY(:keys)', { keys: keys.map(stored) }))),
    remove: (ids) => db.pgWrite(async (sql) => void (await sql('DELETE FROM "RateHit" WHERE id = ANY(:ids)', { ids }))),
    touch: (ids) => db.pgWrite(async (sql) => void (await sql(`UPDATE "RateHit" SET at = ${NOW_MS} WHERE id = ANY(:ids)`, { ids }))),
  };
}
