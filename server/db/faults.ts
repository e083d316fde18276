/**
 * Database errors that are a fault of the moment, not of the request: the write lock held by
 * another process past busy_timeout (SQLite `SQLITE_BUSY`, which Prisma's adapter reports as
 * P1008 "Operation has timed out"; PostgreSQL 55P03 lock_not_available after lock_timeout, or
 * 57014 query_canceled when an operator's statement_timeout ends a statement stuck behind a
 * lock), or the database failing
 * (disk I/O, full, read-only, gone). A constraint violation is the request's, and is not here.
 */
export type DatabaseFault = 'ocupada' | 'error';

const BUSY = new Set(['SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_BUSY_RECOVERY', 'SQLITE_LOCKED', 'P1008', '55P03', '57014']);
const BROKEN = /^(SQLITE_(IOERR|FULL|READONLY|CORRUPT|CANTOPEN|NOTADB)|P1001|P1017|08\d\d\d|57P0[1-3])/;

export function databaseFaultOf(err: unknown): DatabaseFault | null {
  for (const code of codesOf(err)) {
    if (BUSY.has(code)) return 'ocupada';
    if (BROKEN.test(code)) return 'error';
  }
  return null;
}

const CONFLICT = new Set(['40P01', '40001']);

/**
 * PostgreSQL broke a deadlock or a serialization conflict by giving up this transaction: none
 * of it committed, so the same work may simply run again. Group commit (database.ts) makes this
 * possible where one-row transactions could not meet: two processes' batches may lock the same
 * rows in opposite orders.
 */
export function isConflict(err: unknown): boolean {
  return codesOf(err).some((code) => CONFLICT.has(code));
}

/** Every code the error, its causes and Prisma's driver-adapter wrapper carry. */
function codesOf(err: unknown, depth = 0): string[] {
  if (!err || typeof err !== 'object' || depth > 4) return [];
  const e = err as { code?: unknown; cause?: unknown; originalCode?: unknown; meta?: { driverAdapterError?: unknown } };
  const own = [e.code, e.originalCode].filter((code): code is string => typeof code === 'string');
  return [...own, ...codesOf(e.cause, depth + 1), ...codesOf(e.meta?.driverAdapterError, depth + 1)];
}

const BUSY_RETRY_FIRST_MS = 1_000;
const BUSY_RETRY_MAX_MS = 30_000;
/** How long work that must not be lost (an end user's message) keeps trying against a busy database. */
const BUSY_RETRY_FOR_MS = 10 * 60_000;

/**
 * Runs `work` again while the database is busy (doubling pauses, capped, for up to ten minutes);
 * any other error, or a busy that outlasts that, is thrown. Only for idempotent work.
 */
export async function retryWhileBusy<T>(work: () => Promise<T>, log: { warn(obj: object, msg: string): void }, forMs = BUSY_RETRY_FOR_MS): Promise<T> {
  const started = performance.now();
  for (let pause = BUSY_RETRY_FIRST_MS; ; pause = Math.min(pause * 2, BUSY_RETRY_MAX_MS)) {
    try {
      return await work();
    } catch (err) {
      if (databaseFaultOf(err) !== 'ocupada' || performance.now() - started > forMs) throw err;
      log.warn({ err, retryInMs: pause }, 'database busy; trying again');
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}
