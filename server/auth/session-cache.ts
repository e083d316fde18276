import type { Db, Tx } from '../db/database.ts';
import { RELAY_CHANNEL, type SessionChange } from '../cluster/relay.ts';

export type { SessionChange };

/** A session as its lookup reads it (sessions.ts): times as the database gives them. */
export interface SessionRow {
  expiresAt: string | Date;
  lastSeenAt: string | Date;
  id: number;
  username: string;
  displayName: string | null;
  role: string;
  active: number | boolean;
}

/** Above this many remembered sessions the memory starts over (each entry lives maxAgeMs anyway). */
const MAX_ENTRIES = 50_000;

/**
 * The sessions this process served, remembered (PostgreSQL, where each lookup is a round trip:
 * with it an authenticated 304 makes none). Same rules as the remembered versions
 * (server/db/versions.ts):
 * - used only while the notification listener is connected, and each entry only for `maxAgeMs`
 *   after the read that produced it started: a change nothing announced (a write by hand, a
 *   process of an older release) is seen at most that late;
 * - every change that ends sessions or alters an account is announced inside its own transaction
 *   (`announceSessionChange`), so every listening process hears it exactly when it commits, and
 *   the process that made it also forgets at once (`forget`, right after the commit);
 * - a listener that connects or drops forgets everything; a read racing with a forget is not kept.
 * Only a "still valid" answer is ever taken from memory: a remembered session that looks expired
 * or idle is read again before it is refused (see sessionPrincipal), so idle time that another
 * process saw (and wrote) is never missed.
 */
export class SessionCache {
  readonly #entries = new Map<string, { row: SessionRow; at: number }>();
  readonly #reading = new Map<string, Promise<SessionRow | null>>();
  /** Bumped by every forget: a read that started before one may hold what was forgotten. */
  #changes = 0;

  constructor(private readonly options: { live: () => boolean; maxAgeMs: number; now?: () => number }) {}

  /** The remembered row, while the listener is connected and the entry is younger than the bound. */
  get(hash: string): SessionRow | undefined {
    if (!this.#usable()) return undefined;
    const entry = this.#entries.get(hash);
    return entry && this.#now() - entry.at < this.options.maxAgeMs ? entry.row : undefined;
  }

  /** Reads the row from the database (requests arriving together share one read) and remembers it. */
  load(hash: string, lookup: () => Promise<SessionRow | null>): Promise<SessionRow | null> {
    if (!this.#usable()) return lookup();
    const pending = this.#reading.get(hash);
    if (pending) return pending;
    const changes = this.#changes;
    const at = this.#now();
    const done = () => this.#reading.get(hash) === read && this.#reading.delete(hash);
    const read = lookup().then(
      (row) => {
        done();
        if (row && changes === this.#changes && this.options.live()) {
          if (this.#entries.size >= MAX_ENTRIES) this.#entries.clear();
          this.#entries.set(hash, { row, at });
        }
        return row;
      },
      (err: unknown) => {
        done();
        throw err;
      },
    );
    this.#reading.set(hash, read);
    return read;
  }

  /** This process wrote a new last-seen (after the write succeeded): the remembered row says so too. */
  touched(hash: string, at: Date): void {
    const entry = this.#entries.get(hash);
    if (entry) entry.row = { ...entry.row, lastSeenAt: at };
  }

  /** Sessions ended or an account changed: forget them (a read under way is not kept either). */
  forget(change: SessionChange): void {
    this.#changes++;
    if ('session' in change) {
      this.#entries.delete(change.session);
      this.#reading.delete(change.session);
      return;
    }
    for (const [hash, entry] of this.#entries) if (entry.row.id === change.user) this.#entries.delete(hash);
    this.#reading.clear();
  }

  /** The listener connected or dropped: what it missed is unknown. */
  reset(): void {
    this.#changes++;
    this.#entries.clear();
    this.#reading.clear();
  }

  #usable() {
    return this.options.maxAgeMs > 0 && this.options.live();
  }

  #now() {
    return this.options.now?.() ?? Date.now();
  }
}

/**
 * Inside the transaction that ends sessions or changes an account: on PostgreSQL a notification
 * to every process listening (their SessionCache forgets), delivered when the transaction commits
 * and only if it does. SQLite runs one process, which forgets on its own.
 */
export async function announceSessionChange(db: Pick<Db, 'dialect'>, tx: Tx, change: SessionChange): Promise<void> {
  if (db.dialect !== 'postgres') return;
  await tx.$executeRawUnsafe('SELECT pg_notify($1, $2)', RELAY_CHANNEL, JSON.stringify({ kind: 'sessions', change }));
}
