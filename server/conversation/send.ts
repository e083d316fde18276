import type { Logger } from 'pino';
import type { Db } from '../db/database.ts';
import { isConflict } from '../db/faults.ts';
import type { Outbox } from '../delivery/outbox.ts';
import type { EventBus } from '../events.ts';
import type { PreparedFile } from '../media/prepare.ts';
import type { MediaStore } from '../media/store.ts';
import { messagesOf, outcomeOf, requeue, toEntry, type Outcome } from '../messages/index.ts';
import { findTicket, fromTicketRow, type TicketView } from '../tickets/tickets.ts';

export interface SendDeps {
  db: Db;
  outbox: Outbox;
  events: EventBus;
  log: Logger;
  /** Where a reply's file is written before its entry (needed only for files). */
  media?: MediaStore;
}

export interface SendRequest {
  ticketId: number;
  text: string;
  author: { authorId?: number; authorName?: string };
  idempotencyKey?: string;
  /** A checked file (`prepareFile`); `text` is then its caption and may be empty. */
  file?: PreparedFile;
}

export type SendResult =
  | { kind: 'ticket_not_found' }
  | { kind: 'key_reused' }
  | { kind: 'done'; ticket: TicketView; messageId: number; outcome: Outcome };

/**
 * A technician's replies: stored first (never lost after that), then handed to WhatsApp. One per
 * app (built in services.ts), so its in-flight Idempotency-Keys belong to that app alone.
 */
export class Replies {
  /** In-flight first calls per Idempotency-Key, so a quick retry waits for the same outcome. */
  readonly #inflight = new Map<string, Promise<SendResult>>();

  constructor(private readonly deps: SendDeps) {}

  /** A repeated Idempotency-Key gets the first call's outcome and stores nothing. */
  async send(request: SendRequest): Promise<SendResult> {
    const key = request.idempotencyKey;
    if (!key) return this.#storeAndSend(request);
    const running = this.#inflight.get(key);
    if (running) return sameTicket(await running, request.ticketId);
    const work = this.#replayOrSend(request, key);
    this.#inflight.set(key, work);
    try {
      return await work;
    } finally {
      this.#inflight.delete(key);
    }
  }

  /** Puts a failed or unknown reply back in its chat's queue, at the technician's request. */
  async resend(messageId: number) {
    const { db, events, log, outbox } = this.deps;
    const row = await requeue(db, messageId);
    if (row === null || row === 'not_resendable') return row;
    log.info({ ticketId: row.ticketId, phone: row.phone, messageId }, 'resend requested');
    events.emit({ type: 'delivery', ticketId: row.ticketId, messageId, delivery: 'queued' });
    void outbox.submit({ id: row.id, phone: row.phone! });
    return toEntry(row);
  }

  async #replayOrSend(request: SendRequest, key: string): Promise<SendResult> {
    const first = await messagesOf(this.deps.db).firstCall(key);
    if (!first) return this.#storeAndSend(request);
    if (first.ticketId !== request.ticketId) return { kind: 'key_reused' };
    const ticket = await findTicket(this.deps.db, first.ticketId);
    // A first call that died before recording its outcome (a crash) is answered from the row.
    return { kind: 'done', ticket: ticket!, messageId: first.messageId, outcome: first.outcome ?? outcomeOf(first) };
  }

  async #storeAndSend(request: SendRequest): Promise<SendResult> {
    const { db, events, log, outbox } = this.deps;
    const messages = messagesOf(db);
    const attachment = request.file ? await this.#storeFile(request.file) : undefined;
    const reply = { ticketId: request.ticketId, text: request.text, ...request.author, idempotencyKey: request.idempotencyKey, attachment };
    const handOff = () =>
      outbox.handOff(
        (claim) => messages.storeReply(reply, claim),
        ({ ticket, message }) => {
          log.info({ ticketId: ticket.id, phone: ticket.phone, messageId: message.id }, 'reply stored');
          events.emit({ type: 'message', ticketId: ticket.id, entry: toEntry(message) });
          events.emit({ type: 'ticket', ticket: fromTicketRow(ticket) });
        },
      );
    const handed = await againOnConflict(handOff, log);
    if (!handed) return { kind: 'ticket_not_found' };
    const outcome = await handed.outcome;
    if (request.idempotencyKey) await messages.recordOutcome(request.idempotencyKey, outcome);
    return { kind: 'done', ticket: fromTicketRow(handed.stored.ticket), messageId: handed.stored.message.id, outcome };
  }

  /** The file goes to disk first; a crash before its entry commits leaves an orphan the start sweeps. */
  async #storeFile(file: PreparedFile) {
    if (!this.deps.media) throw new Error('Replies built without a media store cannot send files');
    const sha256 = await this.deps.media.put(file.bytes);
    return { sha256, mimetype: file.mimetype, filename: file.filename, bytes: file.bytes.length };
  }
}

const CONFLICT_TRIES = 3;

/**
 * A store given up by PostgreSQL to break a deadlock stored nothing, and handOff has given its
 * place in the lane back: it runs again (the technician's reply is not refused for it).
 */
async function againOnConflict<T>(work: () => Promise<T>, log: Logger): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      if (attempt >= CONFLICT_TRIES || !isConflict(err)) throw err;
      log.warn({ err, attempt }, 'reply store gave way to a deadlock; storing it again');
    }
  }
}

function sameTicket(result: SendResult, ticketId: number): SendResult {
  return result.kind === 'done' && result.ticket.id !== ticketId ? { kind: 'key_reused' } : result;
}
