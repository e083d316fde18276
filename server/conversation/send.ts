import type { Logger } from 'pino';
import type { Db } from '../db/database.ts';
import type { Outbox, Outcome } from '../delivery/outbox.ts';
import type { EventBus } from '../events.ts';
import { toTicketView, type TicketView } from '../tickets/tickets.ts';
import { appendEntry, toEntry } from './history.ts';

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

async function storeAndSend(deps: SendDeps, request: SendRequest): Promise<SendResult> {
  const stored = await deps.db.write(async (tx) => {
    const ticket = await tx.ticket.findUnique({ where: { id: request.ticketId } });
    if (!ticket) return null;
    const message = await appendEntry(tx, ticket.id, {
      role: 'tecnico',
      content: request.text,
      deliverTo: ticket.phone,
      ...request.author,
    });
    if (request.idempotencyKey) {
      await tx.idempotentRequest.create({ data: { key: request.idempotencyKey, ticketId: ticket.id, messageId: message.id } });
    }
    const updated = await tx.ticket.update({ where: { id: ticket.id }, data: { lastMessageAt: new Date() } });
    return { ticket: updated, message };
  });
  if (!stored) return { kind: 'ticket_not_found' };
  const { ticket, message } = stored;
  deps.log.info({ ticketId: ticket.id, phone: ticket.phone, messageId: message.id }, 'reply stored');
  deps.events.emit({ type: 'message', ticketId: ticket.id, entry: toEntry(message) });
  deps.events.emit({ type: 'ticket', ticket: toTicketView(ticket) });
  const outcome = await deps.outbox.submit({ id: message.id, phone: ticket.phone });
  if (request.idempotencyKey) {
    await deps.db.write((tx) =>
      tx.idempotentRequest.update({ where: { key: request.idempotencyKey }, data: { outcome: JSON.stringify(outcome) } }),
    );
  }
  return { kind: 'done', ticket: toTicketView(ticket), messageId: message.id, outcome };
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
