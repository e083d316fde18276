import type { Logger } from 'pino';
import { sqlTime, type Db } from '../db/database.ts';
import type { Outbox, Outcome } from '../delivery/outbox.ts';
import type { EventBus } from '../events.ts';
import { fromTicketRow, toTicketView, type TicketRow, type TicketView } from '../tickets/tickets.ts';
import { toEntry, type EntryRow } from './history.ts';

export interface SendDeps {
  db: Db;
  outbox: Outbox;
  events: EventBus;
  log: Logger;
}

export interface SendRequest {
  ticketId: number;
  text: string;
  author: { authorId?: number; authorName?: string };
  idempotencyKey?: string;
}

export type SendResult =
  | { kind: 'ticket_not_found' }
  | { kind: 'key_reused' }
  | { kind: 'done'; ticket: TicketView; messageId: number; outcome: Outcome };

/** In-flight first calls per Idempotency-Key, so a quick retry waits for the same outcome. */
const inflight = new Map<string, Promise<SendResult>>();

/**
 * A technician's reply: stored first (it is never lost after that), then handed to WhatsApp.
 * A repeated Idempotency-Key gets the first call's outcome and stores nothing.
 */
export async function sendTechnicianMessage(deps: SendDeps, request: SendRequest): Promise<SendResult> {
  const key = request.idempotencyKey;
  if (!key) return storeAndSend(deps, request);
  const running = inflight.get(key);
  if (running) return sameTicket(await running, request.ticketId);
  const work = replayOrSend(deps, request, key);
  inflight.set(key, work);
  try {
    return await work;
  } finally {
    inflight.delete(key);
  }
}

async function replayOrSend(deps: SendDeps, request: SendRequest, key: string): Promise<SendResult> {
  const first = await deps.db.prisma.idempotentRequest.findUnique({ where: { key }, include: { message: true } });
  if (!first) return storeAndSend(deps, request);
  if (first.ticketId !== request.ticketId) return { kind: 'key_reused' };
  const ticket = await deps.db.prisma.ticket.findUnique({ where: { id: first.ticketId } });
  const outcome: Outcome = first.outcome ? JSON.parse(first.outcome) : outcomeOfRow(first.message.delivery);
  return { kind: 'done', ticket: toTicketView(ticket!), messageId: first.messageId, outcome };
}

/** A first call that died before recording its outcome (a crash) is answered from the row. */
function outcomeOfRow(delivery: string | null): Outcome {
  if (delivery === 'queued') return { kind: 'queued' };
  if (delivery === 'failed') return { kind: 'rejected', reason: 'falló el envío' };
  return delivery === 'sending' || delivery === 'unknown' ? { kind: 'timeout' } : { kind: 'sent', waId: '' };
}

function sameTicket(result: SendResult, ticketId: number): SendResult {
  return result.kind === 'done' && result.ticket.id !== ticketId ? { kind: 'key_reused' } : result;
}

const STORE = {
  ticket: 'SELECT * FROM Ticket WHERE id = ?',
  reply: `INSERT INTO Message (ticketId, role, content, timestamp, kind, authorId, authorName, delivery, phone, attempts, createdAt)
    VALUES (?, 'tecnico', ?, ?, 'text', ?, ?, 'queued', ?, 0, ?)`,
  key: 'INSERT INTO IdempotentRequest (key, ticketId, messageId, createdAt) VALUES (?, ?, ?, ?)',
  touch: 'UPDATE Ticket SET lastMessageAt = ?, updatedAt = ? WHERE id = ?',
  sending: "UPDATE Message SET delivery = 'sending', attempts = 1, attemptAt = ? WHERE id = ?",
  entry: 'SELECT * FROM Message WHERE id = ?',
};

/**
 * The reply, its idempotency record and the ticket's last-message time, in one transaction of
 * prepared statements: this is the contract's hot path, measured by `npm run bench`.
 */
function storeReply({ db, outbox }: SendDeps, request: SendRequest, claimed: { id: number; phone: string }[]) {
  const ticket = db.sql(STORE.ticket).get(request.ticketId) as TicketRow | undefined;
  if (!ticket) return null;
  const now = new Date();
  const { lastInsertRowid } = db
    .sql(STORE.reply)
    .run(ticket.id, request.text, now.toISOString(), request.author.authorId ?? null, request.author.authorName ?? null, ticket.phone, sqlTime(now));
  const messageId = Number(lastInsertRowid);
  if (request.idempotencyKey) db.sql(STORE.key).run(request.idempotencyKey, ticket.id, messageId, sqlTime(now));
  db.sql(STORE.touch).run(sqlTime(now), sqlTime(now), ticket.id);
  const message = db.sql(STORE.entry).get(messageId) as EntryRow;
  // The lane now holds the reply, in the order stored; undone by the caller if the commit fails.
  const { sendAtOnce, outcome } = outbox.claim({ id: messageId, phone: ticket.phone });
  claimed.push({ id: messageId, phone: ticket.phone });
  if (sendAtOnce) {
    db.sql(STORE.sending).run(sqlTime(now), messageId);
    message.delivery = 'sending';
  }
  return { ticket: fromTicketRow({ ...ticket, lastMessageAt: sqlTime(now), updatedAt: sqlTime(now) }), message, outcome };
}

async function storeAndSend(deps: SendDeps, request: SendRequest): Promise<SendResult> {
  const claimed: { id: number; phone: string }[] = [];
  const stored = await deps.db.writeNow(() => storeReply(deps, request, claimed)).catch((err: unknown) => {
    for (const claim of claimed) deps.outbox.unclaim(claim);
    throw err;
  });
  if (!stored) return { kind: 'ticket_not_found' };
  const { ticket, message } = stored;
  deps.log.info({ ticketId: ticket.id, phone: ticket.phone, messageId: message.id }, 'reply stored');
  deps.events.emit({ type: 'message', ticketId: ticket.id, entry: toEntry(message) });
  deps.events.emit({ type: 'ticket', ticket });
  deps.outbox.kick(ticket.phone);
  const outcome = await stored.outcome;
  if (request.idempotencyKey) {
    const key = request.idempotencyKey;
    await deps.db.writeNow(() => deps.db.sql('UPDATE IdempotentRequest SET outcome = ? WHERE key = ?').run(JSON.stringify(outcome), key));
  }
  return { kind: 'done', ticket, messageId: message.id, outcome };
}

/** Puts a failed or unknown reply back in its chat's queue, at the technician's request. */
export async function resendMessage(deps: SendDeps, messageId: number) {
  const row = await deps.db.write(async (tx) => {
    const found = await tx.message.findUnique({ where: { id: messageId } });
    if (!found || (found.delivery !== 'failed' && found.delivery !== 'unknown')) return found ? 'not_resendable' : null;
    return tx.message.update({ where: { id: messageId }, data: { delivery: 'queued', deliveryInfo: null } });
  });
  if (row === null || row === 'not_resendable') return row;
  deps.log.info({ ticketId: row.ticketId, phone: row.phone, messageId }, 'resend requested');
  deps.events.emit({ type: 'delivery', ticketId: row.ticketId, messageId, delivery: 'queued' });
  void deps.outbox.submit({ id: row.id, phone: row.phone! });
  return toEntry(row);
}
