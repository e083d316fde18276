import type { Db, Tx } from '../db/database.ts';
import type { Message } from '../db/generated/client.ts';
import type { NewEntry } from './entries.ts';

// The message statements that run through Prisma inside a caller's transaction (the ticket
// flows compose them with their own writes). Prisma speaks every dialect, so these stay shared.

/** One row per entry, appended: nothing rewrites a shared history, so no writer loses another's. */
export function appendEntry(tx: Tx, ticketId: number, entry: NewEntry): Promise<Message> {
  return tx.message.create({
    data: {
      ticketId,
      role: entry.role,
      content: entry.content,
      timestamp: entry.timestamp ?? new Date().toISOString(),
      kind: entry.kind ?? 'text',
      waId: entry.waId,
      authorId: entry.authorId,
      authorName: entry.authorName,
      extra: entry.extra && Object.keys(entry.extra).length > 0 ? JSON.stringify(entry.extra) : null,
      delivery: entry.deliverTo ? 'queued' : null,
      phone: entry.deliverTo,
    },
  });
}

/** Inside the write lock: is a WhatsApp message with this id already filed? */
export async function isFiled(tx: Tx, waId: string): Promise<boolean> {
  return (await tx.message.findUnique({ where: { waId }, select: { id: true } })) !== null;
}

/** Puts a failed or unknown reply back in the queue; null when missing, 'not_resendable' otherwise. */
export function requeue(db: Db, messageId: number): Promise<Message | 'not_resendable' | null> {
  return db.write(async (tx) => {
    const found = await tx.message.findUnique({ where: { id: messageId } });
    if (!found || (found.delivery !== 'failed' && found.delivery !== 'unknown')) return found ? 'not_resendable' : null;
    return tx.message.update({ where: { id: messageId }, data: { delivery: 'queued', deliveryInfo: null } });
  });
}

/** WhatsApp's own time of the newest message filed from anyone: from then on a new contact's chat may hold missed messages. */
export async function lastInboundAnyAt(db: Db): Promise<Date | null> {
  const last = await db.prisma.message.findFirst({
    where: { role: 'user', waId: { not: null } },
    orderBy: { id: 'desc' },
    select: { timestamp: true },
  });
  return last ? new Date(last.timestamp) : null;
}

/** WhatsApp's own time of the newest message stored from this line (catching up after a reconnect). */
export async function lastInboundAt(db: Db, phoneKey: string): Promise<Date | null> {
  const last = await db.prisma.message.findFirst({
    where: { role: 'user', waId: { not: null }, ticket: { phoneKey } },
    orderBy: { id: 'desc' },
    select: { timestamp: true },
  });
  return last ? new Date(last.timestamp) : null;
}

/** Rewrites an entry's `extra` (a received file attached, or its download's state) inside the caller's transaction. */
export function setExtra(tx: Tx, messageId: number, extra: Record<string, unknown>): Promise<Message> {
  return tx.message.update({ where: { id: messageId }, data: { extra: JSON.stringify(extra) } });
}
