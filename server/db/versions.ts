import type { Db, Statement } from './database.ts';

/**
 * The stored versions the polled views answer 304 from (conditional GETs, server/http/etag.ts).
 * Database triggers bump them in the same transaction as the change (migration
 * 20261130130000_versions), so they are right on every write path and on every process sharing
 * a PostgreSQL database. Each read is one primary-key lookup.
 */
export type Counter = 'tickets' | 'link';

const COUNTER: Statement = {
  sqlite: 'SELECT value FROM ChangeCounter WHERE name = :name',
  postgres: 'SELECT value FROM "ChangeCounter" WHERE name = :name',
};

const TICKET: Statement = {
  sqlite: 'SELECT version FROM Ticket WHERE id = :id',
  postgres: 'SELECT version FROM "Ticket" WHERE id = :id',
};

/** "tickets": anything the ticket table shows; "link": the WhatsApp queue's size. */
export async function counter(db: Db, name: Counter): Promise<number> {
  const [row] = await db.all<{ value: number | bigint }>(COUNTER, { name });
  return Number(row?.value ?? 0);
}

/** The ticket's history version, or null when there is no such ticket. */
export async function historyVersion(db: Db, ticketId: number): Promise<number | null> {
  const [row] = await db.all<{ version: number }>(TICKET, { id: ticketId });
  return row ? Number(row.version) : null;
}

/** Where the polled routes read their versions (see storedVersions and CachedVersions). */
export interface Versions {
  counter(name: Counter): Promise<number>;
  /** null when there is no such ticket. */
  history(ticketId: number): Promise<number | null>;
  /**
   * Another small read a poll makes (the lease row a process without the link answers the link
   * status from), remembered like a version; forgotten by any live event.
   */
  shared<T>(key: string, read: () => Promise<T>): Promise<T>;
}

/** Straight from the database on every read: SQLite, where a lookup is a function call away. */
export function storedVersions(db: Db): Versions {
  return { counter: (name) => counter(db, name), history: (ticketId) => historyVersion(db, ticketId), shared: (_key, read) => read() };
}

/** Above this many remembered tickets the memory starts over (each entry lives maxAgeMs anyway). */
const MAX_ENTRIES = 20_000;

interface Entry {
  value: unknown;
  /** When the read that produced it started (its age counts from there). */
  at: number;
}

/**
 * The versions in process memory (PostgreSQL, where each lookup is a round trip to the server).
 * A remembered version is used only while (1) the notification listener is connected (LISTEN/NOTIFY
 * between the processes, server/cluster/relay.ts) and (2) it was read less than `maxAgeMs` ago.
 * Every live event, of this process or relayed from another, forgets what it may have changed at
 * once, so a change announced by an event shows on the next poll on every process. Correctness
 * never depends on that announcement: a write that announces nothing (or a notification lost in
 * a reconnect) is seen at most `maxAgeMs` after its commit, as a stale remembered version can only
 * answer 304 until its age runs out. Reads racing with a change are not remembered (`#changes`).
 */
export class CachedVersions implements Versions {
  readonly #entries = new Map<string, Entry>();
  readonly #reading = new Map<string, Promise<unknown>>();
  /** The keys of shared(): few, forgotten on every change. */
  readonly #shared = new Set<string>();
  /** Bumped by every forget: a read that started before one may hold the old value. */
  #changes = 0;

  constructor(
    private readonly stored: Versions,
    private readonly options: { live: () => boolean; maxAgeMs: number; now?: () => number },
  ) {}

  async counter(name: Counter): Promise<number> {
    return (await this.#read(name, () => this.stored.counter(name))) ?? 0;
  }

  history(ticketId: number): Promise<number | null> {
    return this.#read(`t${ticketId}`, () => this.stored.history(ticketId));
  }

  shared<T>(key: string, read: () => Promise<T>): Promise<T> {
    this.#shared.add(`s${key}`);
    return this.#read(`s${key}`, read);
  }

  /** A change was announced: the counters may have moved, and the history of the ticket named. */
  changed(ticketId: number | null): void {
    this.#changes++;
    this.#forget('tickets');
    this.#forget('link');
    for (const key of this.#shared) this.#forget(key);
    if (ticketId !== null) this.#forget(`t${ticketId}`);
  }

  /** Forgets everything: the listener connected or dropped (what it missed is unknown). */
  reset(): void {
    this.#changes++;
    this.#entries.clear();
    this.#reading.clear();
  }

  #forget(key: string) {
    this.#entries.delete(key);
    this.#reading.delete(key);
  }

  #read<T>(key: string, lookup: () => Promise<T>): Promise<T> {
    if (!this.options.live() || this.options.maxAgeMs <= 0) return lookup();
    const now = this.#now();
    const entry = this.#entries.get(key);
    if (entry && now - entry.at < this.options.maxAgeMs) return Promise.resolve(entry.value as T);
    // Polls arriving together share one lookup.
    const pending = this.#reading.get(key) as Promise<T> | undefined;
    if (pending) return pending;
    const changes = this.#changes;
    const read = lookup().then(
      (value) => {
        if (this.#reading.get(key) === read) this.#reading.delete(key);
        if (value != null && changes === this.#changes && this.options.live()) {
          if (this.#entries.size >= MAX_ENTRIES) this.#entries.clear();
          this.#entries.set(key, { value, at: now });
        }
        return value;
      },
      (err: unknown) => {
        if (this.#reading.get(key) === read) this.#reading.delete(key);
        throw err;
      },
    );
    this.#reading.set(key, read);
    return read;
  }

  #now() {
    return this.options.now?.() ?? Date.now();
  }
}
