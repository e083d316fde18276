import type { Db } from '../db/database.ts';
import type { EntryView } from '../events.ts';
import { appendEntry, toEntry } from '../messages/index.ts';

export interface NoteAuthor {
  authorId?: number;
  authorName?: string;
}

/**
 * An internal note: a history entry with role `nota` and no delivery state, so the outbox never
 * picks it up and it cannot reach WhatsApp. Null when the ticket does not exist.
 */
export async function addNote(db: Db, ticketId: number, text: string, author: NoteAuthor): Promise<EntryView | null> {
  const row = await db.write(async (tx) => {
    if (!(await tx.ticket.findUnique({ where: { id: ticketId }, select: { id: true } }))) return null;
    return appendEntry(tx, ticketId, { role: 'nota', content: text, ...author });
  });
  return row ? toEntry(row) : null;
}
