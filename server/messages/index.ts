import type { Db } from '../db/database.ts';
import { postgresMessages } from './postgres.ts';
import { sqliteMessages } from './sqlite.ts';
import type { MessageStore } from './store.ts';

// The one home of the Message table: what a delivery state means (delivery.ts), the entry shape
// (entries.ts), the Prisma statements composed into other transactions (prisma.ts) and the
// dialect's own store (store.ts, sqlite.ts, postgres.ts, picked here), and the reads of the
// statistics, transcripts, SLA clocks and pending downloads (reads.ts).
export * from './delivery.ts';
export * from './entries.ts';
export * from './prisma.ts';
export * from './reads.ts';
export type { Fence, FirstCall, MessageStore, NewReply, OutgoingRow } from './store.ts';

const stores = new WeakMap<Db, MessageStore>();

/** The message store of this database (one per Db, so prepared statements are shared). */
export function messagesOf(db: Db): MessageStore {
  let store = stores.get(db);
  if (!store) stores.set(db, (store = db.dialect === 'postgres' ? postgresMessages(db) : sqliteMessages(db)));
  return store;
}
