import type { Db } from '../db/database.ts';
import type { Entry as EntryView } from '../contract/index.ts';
import { messagesOf, toEntry, type HistoryWindow } from '../messages/index.ts';

/** Polled every 5 s by every open chat: the store's prepared statements, not Prisma queries. */
export async function listHistory(db: Db, ticketId: number, window: HistoryWindow = {}): Promise<EntryView[]> {
  return (await messagesOf(db).history(ticketId, window)).map(toEntry);
}
