import type { Db } from '../db/database.ts';
import { sqlTime } from '../db/database.ts';
import type { Fence } from '../messages/index.ts';

/** A lease as the database holds it; `live` is whether it has not expired by the database's clock. */
export interface LeaseRow {
  holder: string;
  generation: number;
  live: boolean;
  status: string | null;
}

export type { Fence };

// PostgreSQL's clock decides expiry, so machines whose clocks disagree still agree on the lease.
// DateTime columns are `timestamp without time zone` written in UTC.
const PG_NOW = `timezone('UTC', clock_timestamp())`;

const ACQUIRE = {
  postgres: `INSERT INTO "WhatsAppLease" AS l (id, holder, generation, "expiresAt")
    VALUES (1, :holder, 1, ${PG_NOW} + make_interval(secs => :ttlMs::float8 / 1000))
    ON CONFLICT (id) DO UPDATE SET
      generation = CASE WHEN l.holder = EXCLUDED.holder THEN l.generation ELSE l.generation + 1 END,
      holder = EXCLUDED.holder, "expiresAt" = EXCLUDED."expiresAt"
    WHERE l.holder = EXCLUDED.holder OR l."expiresAt" < ${PG_NOW} OR :force::boolean
    RETURNING generation`,
  sqlite: `INSERT INTO WhatsAppLease (id, holder, generation, expiresAt) VALUES (1, :holder, 1, :expiresAt)
    ON CONFLICT (id) DO UPDATE SET
      generation = CASE WHEN holder = excluded.holder THEN generation ELSE generation + 1 END,
      holder = excluded.holder, expiresAt = excluded.expiresAt
    WHERE holder = excluded.holder OR expiresAt < :now OR :force
    RETURNING generation`,
};

const RELEASE = {
  postgres: `UPDATE "WhatsAppLease" SET "expiresAt" = ${PG_NOW} - interval '1 second' WHERE holder = :holder`,
  sqlite: 'UPDATE WhatsAppLease SET expiresAt = :now WHERE holder = :holder',
};

const STATUS = {
  postgres: 'UPDATE "WhatsAppLease" SET status = :status WHERE holder = :holder',
  sqlite: 'UPDATE WhatsAppLease SET status = :status WHERE holder = :holder',
};

const READ = {
  postgres: `SELECT holder, generation, status, ("expiresAt" > ${PG_NOW}) AS live FROM "WhatsAppLease" WHERE id = 1`,
  sqlite: 'SELECT holder, generation, status, expiresAt > :now AS live FROM WhatsAppLease WHERE id = 1',
};

/**
 * The statements on the lease row, in both dialects. Each is one statement, so the
 * compare-and-set of `acquire` is atomic on either database.
 */
export function leaseStore(db: Db) {
  const write = async <T>(statement: { sqlite: string; postgres: string }, params: Record<string, unknown>): Promise<T[]> => {
    if (db.dialect === 'postgres') return db.pgWrite((sql) => sql<T>(statement.postgres, params));
    return db.writeNow(() => db.sql(statement.sqlite).all(sqliteParams(statement.sqlite, params)) as T[]);
  };
  return {
    /**
     * Takes or renews the lease for `ttlMs`: succeeds when this holder has it, it expired, or
     * `force` (one process per SQLite file: a restart takes over at once). The generation it
     * holds, or null when another process holds a live lease.
     */
    async acquire(holder: string, ttlMs: number, force: boolean): Promise<number | null> {
      const now = Date.now();
      const [row] = await write<{ generation: number }>(ACQUIRE, {
        holder,
        ttlMs,
        force: db.dialect === 'postgres' ? force : force ? 1 : 0,
        now: sqlTime(new Date(now)),
        expiresAt: sqlTime(new Date(now + ttlMs)),
      });
      return row ? Number(row.generation) : null;
    },
    /** Lets the lease go at once (a clean shutdown), so another process need not wait for it to expire. */
    async release(holder: string): Promise<void> {
      await write(RELEASE, { holder, now: sqlTime(new Date(Date.now() - 1000)) });
    },
    /** The holder's link status, for the processes that do not hold it. */
    async publishStatus(holder: string, status: string): Promise<void> {
      await write(STATUS, { holder, status });
    },
    async read(): Promise<LeaseRow | null> {
      const [row] = await db.all<{ holder: string; generation: number; status: string | null; live: unknown }>(
        READ,
        db.dialect === 'sqlite' ? { now: sqlTime(new Date()) } : undefined,
      );
      return row ? { holder: row.holder, generation: Number(row.generation), status: row.status, live: Boolean(row.live) } : null;
    },
  };
}

export type LeaseStore = ReturnType<typeof leaseStore>;

/** better-sqlite3 refuses named parameters a statement does not use. */
function sqliteParams(text: string, params: Record<string, unknown>) {
  return Object.fromEntries(Object.entries(params).filter(([name]) => text.includes(`:${name}`)));
}
