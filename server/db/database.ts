import fs from 'node:fs';
import path from 'node:path';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import Database from 'better-sqlite3';
import pg from 'pg';
import { PrismaClient } from './generated/client.ts';
import { migrate } from './migrate.ts';
import { migratePostgres } from './migrate-postgres.ts';

export type Prisma = PrismaClient;
export type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];
export type Dialect = 'sqlite' | 'postgres';

/**
 * One hand-written statement in both dialects, with `:name` parameters. PostgreSQL needs its
 * own text: quoted camelCase identifiers (Prisma creates them quoted), typed NULL tests, and
 * its own date arithmetic and string functions.
 */
export interface Statement {
  sqlite: string;
  postgres: string;
}

export interface Db {
  dialect: Dialect;
  prisma: PrismaClient;
  /**
   * Runs `work` in a Prisma transaction while holding the one write lock. The adapter keeps a
   * single SQLite connection, so a write issued while another transaction is open would land
   * inside it and vanish with its rollback; serialising writes here makes that impossible.
   * PostgreSQL keeps the same lock within a process, so a process behaves the same on both.
   */
  write<T>(work: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * SQLite only: the hot path's own connection to the same file, with prepared statements.
   * Prisma 6.19's client compiles every query anew (≈0.5 ms of CPU each, see `npm run bench`);
   * a prepared better-sqlite3 statement costs microseconds. Reads may run at any time (WAL).
   */
  sql(text: string): Database.Statement;
  /**
   * SQLite only: runs synchronous statements as one transaction, under the write lock.
   * `durable: false` (a write whose loss the service recovers by itself, see WriteOptions): its
   * commit skips the fsync when every write sharing it says so.
   */
  writeNow<T>(work: () => T, options?: WriteOptions): Promise<T>;
  /**
   * PostgreSQL only: runs `work` on one connection in one transaction, under the write lock;
   * works waiting together share a transaction, each in its own savepoint (group commit).
   */
  pgWrite<T>(work: (client: PgQuery) => Promise<T>, options?: PgWriteOptions): Promise<T>;
  /** Either dialect: the rows of one hand-written statement. */
  all<T>(statement: Statement, params?: Record<string, unknown>): Promise<T[]>;
  /** Either dialect: one hand-written write, under the write lock. */
  run(statement: Statement, params?: Record<string, unknown>): Promise<void>;
  close(): Promise<void>;
}

export interface WriteOptions {
  /**
   * Default true: committed with an fsync (synchronous=FULL) before the caller is answered. False
   * only for a write whose loss the service recovers from by itself: the commit is then made with
   * synchronous=NORMAL, which in WAL mode still survives a crash or kill -9 of the process (the
   * frames are in the OS page cache) and is made durable by the next durable commit (the WAL is
   * one file, synced whole); only an OS crash or power loss before then loses it. Used for the
   * "sent" mark and delivery acks (docs/benchmark.md, "Durability of the sent mark").
   */
  durable?: boolean;
}

/**
 * How a PostgreSQL write may be committed. `single`: the work is one statement, so alone in its
 * batch it runs without BEGIN/COMMIT (one round trip). `durable: false` (see WriteOptions): its
 * commit need not wait for the WAL flush (synchronous_commit off for that transaction); a
 * batch is durable if any of its works is.
 */
export interface PgWriteOptions extends WriteOptions {
  single?: boolean;
}

/** A PostgreSQL connection's query, with `:name` parameters. */
export type PgQuery = <T>(text: string, params?: Record<string, unknown>) => Promise<T[]>;

export function databaseFile(databaseUrl: string): string {
  return path.resolve(databaseUrl.replace(/^file:/, ''));
}

export const isPostgresUrl = (url: string) => /^postgres(ql)?:\/\//.test(url);

/** Prisma's SQLite adapter stores DateTime as ISO-8601 text with an explicit offset. */
export const sqlTime = (date: Date) => date.toISOString().replace('Z', '+00:00');

/** A time as a hand-written statement of this database compares it with its DateTime columns. */
export const timeFor = (db: Pick<Db, 'dialect'>, date: Date) => (db.dialect === 'sqlite' ? sqlTime(date) : date.toISOString());

export function openDatabase(databaseUrl: string): Promise<Db> {
  return isPostgresUrl(databaseUrl) ? openPostgres(databaseUrl) : openSqlite(databaseUrl);
}

function writeQueue() {
  let queue: Promise<unknown> = Promise.resolve();
  return <T>(work: () => Promise<T> | T): Promise<T> => {
    const run = queue.then(work);
    queue = run.catch(() => undefined);
    return run;
  };
}

/** One caller's work waiting for the next group commit, and how to answer it. */
interface Queued<W> {
  work: W;
  /** This write needs its commit fsynced (see WriteOptions). */
  durable: boolean;
  /** One statement (PgWriteOptions.single). */
  single?: boolean;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit: the hot path's writes (the message store's) that arrive while the write lock is
 * busy, or in the same turn of the event loop, wait in one batch and are committed together:
 * one transaction, one fsync (SQLite) or one WAL flush (PostgreSQL), each caller's work inside its
 * own savepoint, so one that fails is rolled back alone and answered with its error. Every caller
 * is answered only after the commit: a reply is still durable before its request answers. The
 * works run in the order they were asked, so per-chat order and the idempotency checks are exactly
 * as with one transaction each. Any other write (Prisma's `write`) closes the open batch first,
 * so writes still take the lock in the order they were asked.
 */
function groupCommit<W>(enqueue: <T>(work: () => Promise<T> | T) => Promise<T>, commit: (batch: Queued<W>[]) => Promise<void> | void) {
  let open: Queued<W>[] | null = null;
  return {
    add<T>(work: W, durable = true, single = false): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        if (!open) {
          const batch: Queued<W>[] = (open = []);
          void enqueue(async () => {
            // Requests already read in this turn of the event loop join before the commit.
            await new Promise((next) => setImmediate(next));
            if (open === batch) open = null;
            await commit(batch);
          });
        }
        open.push({ work, durable, single, resolve: resolve as (value: unknown) => void, reject });
      });
    },
    close() {
      open = null;
    },
  };
}

type Outcome = { ok: true; value: unknown } | { ok: false; err: unknown };

const answer = <W>(batch: Queued<W>[], outcomes: Outcome[]) =>
  batch.forEach((item, i) => {
    const outcome = outcomes[i]!;
    if (outcome.ok) item.resolve(outcome.value);
    else item.reject(outcome.err);
  });

const sqliteOnly = () => {
  throw new Error('only on SQLite');
};

async function openSqlite(databaseUrl: string): Promise<Db> {
  const file = databaseFile(databaseUrl);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  migrate(file);
  const prisma = new PrismaClient({ adapter: new PrismaBetterSQLite3({ url: `file:${file}`, timeout: 5000 }) });
  await applyDurabilityPragmas((text) => prisma.$queryRawUnsafe(text));
  const direct = new Database(file, { timeout: 5000 });
  await applyDurabilityPragmas(async (text) => direct.pragma(text.replace(/^PRAGMA /, '')));
  const statements = new Map<string, Database.Statement>();
  const enqueue = writeQueue();
  const sql = (text: string) => {
    let statement = statements.get(text);
    if (!statement) statements.set(text, (statement = direct.prepare(text)));
    return statement;
  };
  // synchronous is per connection and may change between transactions: a batch of writes that
  // all may skip the fsync commits with NORMAL, then the connection goes back to FULL. exec, not a
  // prepared statement: SQLite applies this pragma when it compiles it (≈1.5 µs each).
  const commitBatch = (batch: Queued<() => unknown>[]) => {
    if (batch.some((item) => item.durable)) return commitGroup(batch);
    direct.exec('PRAGMA synchronous = NORMAL');
    try {
      commitGroup(batch);
    } finally {
      direct.exec('PRAGMA synchronous = FULL');
    }
  };
  const commitGroup = (batch: Queued<() => unknown>[]) => {
    if (batch.length === 1) {
      const [only] = batch;
      try {
        only!.resolve(direct.transaction(only!.work)());
      } catch (err) {
        only!.reject(err);
      }
      return;
    }
    const outcomes: Outcome[] = [];
    try {
      // A transaction function called inside another runs as a savepoint (better-sqlite3).
      direct.transaction(() => {
        for (const item of batch) {
          try {
            outcomes.push({ ok: true, value: direct.transaction(item.work)() });
          } catch (err) {
            outcomes.push({ ok: false, err });
          }
        }
      })();
    } catch (err) {
      for (const item of batch) item.reject(err);
      return;
    }
    answer(batch, outcomes);
  };
  const group = groupCommit<() => unknown>(enqueue, commitBatch);
  const writeNow = <T>(work: () => T, options?: WriteOptions) => group.add<T>(work, options?.durable ?? true);
  return {
    dialect: 'sqlite',
    prisma,
    write: (work) => {
      group.close();
      return enqueue(() => prisma.$transaction(work, { timeout: 30_000, maxWait: 30_000 }));
    },
    writeNow,
    sql,
    pgWrite: sqliteOnly,
    all: async <T>(statement: Statement, params?: Record<string, unknown>) =>
      (params ? sql(statement.sqlite).all(params) : sql(statement.sqlite).all()) as T[],
    run: (statement, params) => writeNow(() => void (params ? sql(statement.sqlite).run(params) : sql(statement.sqlite).run())),
    async close() {
      group.close();
      await enqueue(() => undefined);
      direct.close();
      await prisma.$disconnect();
    },
  };
}

// Column types as the SQLite side returns them: counts as numbers, Prisma's DateTime columns
// (timestamp without time zone, written in UTC by the adapter) as ISO-8601 text.
const PG_TYPES = {
  getTypeParser(oid: number, format?: string) {
    if (oid === pg.types.builtins.INT8 || oid === pg.types.builtins.NUMERIC) return (text: string) => Number(text);
    if (oid === pg.types.builtins.TIMESTAMP) return (text: string) => `${text.replace(' ', 'T')}Z`;
    return pg.types.getTypeParser(oid, (format ?? 'text') as 'text');
  },
} as pg.CustomTypesConfig;

const positional = new Map<string, { text: string; names: string[] }>();

/** `:name` to `$n` (the same name, the same number); `::type` casts are left alone. */
export function toPositional(text: string): { text: string; names: string[] } {
  let done = positional.get(text);
  if (!done) {
    const names: string[] = [];
    const converted = text.replace(/(?<!:):([A-Za-z_]\w*)/g, (_, name: string) => {
      let index = names.indexOf(name);
      if (index < 0) index = names.push(name) - 1;
      return `$${index + 1}`;
    });
    positional.set(text, (done = { text: converted, names }));
  }
  return done;
}

const pgQuery =
  (target: pg.Pool | pg.PoolClient): PgQuery =>
  async <T>(text: string, params: Record<string, unknown> = {}) => {
    const statement = toPositional(text);
    const values = statement.names.map((name) => {
      if (!(name in params)) throw new Error(`missing SQL parameter :${name}`);
      const value = params[name];
      return value instanceof Date ? value.toISOString() : value;
    });
    return (await target.query({ text: statement.text, values })).rows as T[];
  };

async function openPostgres(databaseUrl: string): Promise<Db> {
  await migratePostgres(databaseUrl);
  // The PostgreSQL client is generated from prisma/postgres/schema.prisma, the same models: its
  // delegates have the same shapes as the SQLite client's, which the rest of the code is typed on.
  const { PrismaClient: PostgresClient } = await import('./generated-pg/client.ts');
  const prismaPool = withLockTimeout(new pg.Pool({ connectionString: databaseUrl }));
  const prisma = new PostgresClient({ adapter: new PrismaPg(prismaPool) }) as unknown as PrismaClient;
  // One connection reads and one writes. Writes are serialised in the process anyway (see
  // `write`), and one reading connection answers in the order asked, as SQLite's synchronous
  // reads do: two replies whose requests arrive in order are stored in that order.
  const pool = withLockTimeout(new pg.Pool({ connectionString: databaseUrl, types: PG_TYPES, max: 1 }));
  const writer = withLockTimeout(new pg.Pool({ connectionString: databaseUrl, types: PG_TYPES, max: 1 }));
  for (const each of [pool, writer, prismaPool]) each.on('error', () => {}); // an idle connection dropped by the server; the next query reconnects
  const enqueue = writeQueue();
  const query = pgQuery(pool);
  // Group commit, as on SQLite: the hot path's writes waiting together share one transaction and
  // one WAL flush, each in its own savepoint (see groupCommit). A batch of one is a plain
  // transaction, as before.
  const group = groupCommit<(client: PgQuery) => Promise<unknown>>(enqueue, async (batch) => {
    const durable = batch.some((item) => item.durable);
    const client = await writer.connect();
    const run = pgQuery(client);
    try {
      if (durable && batch.length === 1 && batch[0]!.single) {
        // One statement alone: its own implicit transaction, no BEGIN/COMMIT round trips.
        batch[0]!.resolve(await batch[0]!.work(run));
        return;
      }
      // A batch of writes that need not wait for their flush commits without waiting for it
      // (asynchronous commit). The WAL is one sequence: the next durable commit (the next reply's
      // store) flushes it too. One round trip: both in one simple query.
      await client.query(durable ? 'BEGIN' : 'BEGIN; SET LOCAL synchronous_commit = off');
      if (batch.length === 1) {
        const value = await batch[0]!.work(run);
        await client.query('COMMIT');
        batch[0]!.resolve(value);
        return;
      }
      const outcomes: Outcome[] = [];
      for (const item of batch) {
        await client.query('SAVEPOINT puente_group');
        try {
          const value = await item.work(run);
          await client.query('RELEASE SAVEPOINT puente_group');
          outcomes.push({ ok: true, value });
        } catch (err) {
          await client.query('ROLLBACK TO SAVEPOINT puente_group');
          outcomes.push({ ok: false, err });
        }
      }
      await client.query('COMMIT');
      answer(batch, outcomes);
    } catch (err) {
      // Nothing of the batch committed (or it cannot be known): every caller hears the error.
      await client.query('ROLLBACK').catch(() => {});
      for (const item of batch) item.reject(err);
    } finally {
      client.release();
    }
  });
  const pgWrite = <T>(work: (client: PgQuery) => Promise<T>, options?: PgWriteOptions) =>
    group.add<T>(work, options?.durable ?? true, options?.single ?? false);
  return {
    dialect: 'postgres',
    prisma,
    write: (work) => {
      group.close();
      return enqueue(() => prisma.$transaction(work, { timeout: 30_000, maxWait: 30_000 }));
    },
    writeNow: sqliteOnly,
    sql: sqliteOnly,
    pgWrite,
    all: (statement, params) => query(statement.postgres, params),
    run: (statement, params) => pgWrite(async (run) => void (await run(statement.postgres, params)), { single: true }),
    async close() {
      group.close();
      await enqueue(() => undefined);
      await Promise.all([pool.end(), writer.end()]);
      await prisma.$disconnect();
      await prismaPool.end().catch(() => {}); // ended already if the adapter owns it
    },
  };
}

/** How long a statement waits for a lock another connection holds: SQLite's busy_timeout. */
export const LOCK_TIMEOUT_MS = 5_000;

/**
 * Every connection of the pool gives up on a lock held elsewhere (a migration, a maintenance
 * script, a stuck transaction) after LOCK_TIMEOUT_MS with 55P03, which the service answers 503
 * "base de datos ocupada" as SQLite's busy, instead of holding the request (and the write
 * queue behind it) until the lock goes. Set per connection, so a DATABASE_URL's own `options`
 * are kept; a query asked meanwhile waits behind it on the same connection.
 */
function withLockTimeout(pool: pg.Pool): pg.Pool {
  pool.on('connect', (client) => void client.query(`SET lock_timeout = ${LOCK_TIMEOUT_MS}`).catch(() => {}));
  return pool;
}

type Pragma = (text: string) => Promise<unknown>;

/**
 * WAL for concurrent readers, and synchronous=FULL because this better-sqlite3 build defaults
 * WAL to NORMAL, where a committed message can vanish on power loss. Read back, not assumed,
 * on each connection (synchronous is per connection).
 */
async function applyDurabilityPragmas(pragma: Pragma): Promise<void> {
  await pragma('PRAGMA journal_mode = WAL');
  await pragma('PRAGMA synchronous = FULL');
  await pragma('PRAGMA foreign_keys = ON');
  const [journal] = (await pragma('PRAGMA journal_mode')) as { journal_mode: string }[];
  const [sync] = (await pragma('PRAGMA synchronous')) as { synchronous: bigint | number }[];
  if (journal.journal_mode !== 'wal' || Number(sync.synchronous) !== 2) {
    throw new Error(`SQLite durability not in force: journal_mode=${journal.journal_mode} synchronous=${sync.synchronous}`);
  }
}
