import type { Logger } from 'pino';
import type { Db } from '../db/database.ts';
import type { Outbox } from '../delivery/outbox.ts';
import type { EventBus } from '../events.ts';
import { messagesOf, outcomeOf, requeue, toEntry, type Outcome } from '../messages/index.ts';
import { findTicket, fromTicketRow, type TicketView } from '../tickets/tickets.ts';

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
  const first = await messagesOf(deps.db).firstCall(key);
  if (!first) return storeAndSend(deps, request);
  if (first.ticketId !== request.ticketId) return { kind: 'key_reused' };
  const ticket = await findTicket(deps.db, first.ticketId);
  // A first call that died before recording its outcome (a crash) is answered from the row.
  return { kind: 'done', ticket: ticket!, messageId: first.messageId, outcome: first.outcome ?? outcomeOf(first) };
}

function sameTicket(result: SendResult, ticketId: number): SendResult {
  return result.kind === 'done' && result.ticket.id !== ticketId ? { kind: 'key_reused' } : result;
}

async function storeAndSend(deps: SendDeps, request: SendRequest): Promise<SendResult> {
  const claimed: { id: number; phone: string }[] = [];
  let outcome: Promise<Outcome> = Promise.resolve({ kind: 'queued' });
  const reply = { ticketId: request.ticketId, text: request.text, ...request.author, idempotencyKey: request.idempotencyKey };
  // The lane holds the reply from inside its store transaction; undone here if the commit fails.
  const stored = await messagesOf(deps.db)
    .storeReply(reply, (message) => {
      const claim = deps.outbox.claim(message);
      claimed.push(message);
      outcome = claim.outcome;
      return claim.sendAtOnce;
    })
    .catch((err: unknown) => {
      for (const claim of claimed) deps.outbox.unclaim(claim);
      throw err;
    });
  if (!stored) return { kind: 'ticket_not_found' };
  const ticket = fromTicketRow(stored.ticket);
  const { message } = stored;
  deps.log.info({ ticketId: ticket.id, phone: ticket.phone, messageId: message.id }, 'reply stored');
  deps.events.emit({ type: 'message', ticketId: ticket.id, entry: toEntry(message) });
  deps.events.emit({ type: 'ticket', ticket });
  deps.outbox.kick(ticket.phone);
  const result = await outcome;
  if (request.idempotencyKey) await messagesOf(deps.db).recordOutcome(request.idempotencyKey, result);
  return { kind: 'done', ticket, messageId: message.id, outcome: result };
}

/** Puts a failed or unknown reply back in its chat's queue, at the technician's request. */
export async function resendMessage(deps: SendDeps, messageId: number) {
  const row = await requeue(deps.db, messageId);
  if (row === null || row === 'not_resendable') return row;
  deps.log.info({ ticketId: row.ticketId, phone: row.phone, messageId }, 'resend requested');
  deps.events.emit({ type: 'delivery', ticketId: row.ticketId, messageId, delivery: 'queued' });
  void deps.outbox.submit({ id: row.id, phone: row.phone! });
  return toEntry(row);
}
