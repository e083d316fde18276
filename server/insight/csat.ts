import type { Logger } from 'pino';
import type { Db, Tx } from '../db/database.ts';
import type { Outbox } from '../delivery/outbox.ts';
import type { EventBus } from '../events.ts';
import { appendEntry, toEntry } from '../messages/index.ts';

export interface CsatDeps {
  db: Db;
  outbox: Outbox;
  events: EventBus;
  log: Logger;
  text: string;
}

/** How long after the question an answer still counts as the rating. */
const ANSWER_WINDOW_MS = 7 * 86_400_000;

/** A 1–5 answer, or null when the message is anything else (then it is an ordinary message). */
export function ratingFrom(body: string): number | null {
  const match = /^\s*([1-5])\s*[.!]?\s*$/.exec(body);
  return match ? Number(match[1]) : null;
}

/**
 * Asks the end user to rate a just-resolved ticket, once per resolution: the question goes out
 * only when it was not asked since the ticket was (last) resolved. Safe to call on every ticket
 * event: the check and the mark happen in one write.
 */
export async function askForRating(deps: CsatDeps, ticketId: number): Promise<void> {
  const asked = await deps.db.write(async (tx) => {
    const ticket = await tx.ticket.findUnique({ where: { id: ticketId } });
    if (!ticket || ticket.status !== 'resolved' || !ticket.resolvedAt) return null;
    if (ticket.csatAskedAt && ticket.csatAskedAt >= ticket.resolvedAt) return null;
    await tx.ticket.update({ where: { id: ticketId }, data: { csatAskedAt: new Date(), rating: null, ratedAt: null } });
    return appendEntry(tx, ticketId, { role: 'assistant', content: deps.text, deliverTo: ticket.phone });
  });
  if (!asked) return;
  deps.log.info({ ticketId }, 'satisfaction asked');
  deps.events.emit({ type: 'message', ticketId, entry: toEntry(asked) });
  void deps.outbox.submit({ id: asked.id, phone: asked.phone! }, { paced: true });
}

/**
 * Files a 1–5 answer as the rating of the line's ticket awaiting one, when that line has no
 * other ticket in progress (then the digit is more likely about that one). Returns the ticket
 * rated, or null: the message is then filed as usual.
 */
export async function fileRating(tx: Tx, phoneKey: string, body: string) {
  const rating = ratingFrom(body);
  if (rating === null) return null;
  const active = await tx.ticket.findFirst({
    where: { phoneKey, status: { in: ['open', 'in_progress', 'on_hold'] } },
    select: { id: true },
  });
  if (active) return null;
  const waiting = await tx.ticket.findFirst({
    where: { phoneKey, rating: null, status: { in: ['resolved', 'closed'] }, csatAskedAt: { gte: new Date(Date.now() - ANSWER_WINDOW_MS) } },
    orderBy: { csatAskedAt: 'desc' },
  });
  if (!waiting) return null;
  return tx.ticket.update({ where: { id: waiting.id }, data: { rating, ratedAt: new Date(), lastMessageAt: new Date() } });
}
