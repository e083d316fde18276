import type { TicketRow } from '../db/rows.ts';
import type { AckState, Delivery, Outcome } from './delivery.ts';
import type { EntryRow, HistoryWindow } from './entries.ts';

/**
 * The right to send, as the WhatsApp lease row states it (server/cluster/lease.ts): a send is
 * marked only while the row still names this holder and generation.
 */
export interface Fence {
  holder: string;
  generation: number;
}

/** The columns the outbox works with. */
export interface OutgoingRow {
  id: number;
  ticketId: number;
  phone: string | null;
  content: string;
  delivery: string | null;
  waId: string | null;
  attemptAt: string | null;
  createdAt: string;
}

export interface NewReply {
  ticketId: number;
  text: string;
  authorId?: number;
  authorName?: string;
  idempotencyKey?: string;
  /** A file already in the media store: its row is written in the reply's own transaction. */
  attachment?: NewAttachment;
}

export interface NewAttachment {
  sha256: string;
  mimetype: string;
  filename: string;
  bytes: number;
}

/** The first call made with an Idempotency-Key, as a repeat of it finds it. */
export interface FirstCall {
  ticketId: number;
  messageId: number;
  /** The outcome that call answered, or null when it died before recording one. */
  outcome: Outcome | null;
  delivery: string | null;
  waId: string | null;
}

/**
 * Every statement on the `Message` table that is not a Prisma call inside a caller's own
 * transaction (those are in `prisma.ts`). One implementation per database dialect
 * (`sqlite.ts` today); callers get theirs from `messagesOf(db)`.
 */
export interface MessageStore {
  /** A ticket's entries in id order, within the window. */
  history(ticketId: number, window?: HistoryWindow): Promise<EntryRow[]>;
  /** A cheap look at committed rows: is this WhatsApp message filed already? */
  isKnownWaId(waId: string): Promise<boolean>;
  /**
   * A technician's reply, its idempotency record and the ticket's last-message time in one
   * transaction. `claim` runs inside it before the commit (the reply takes its place in the
   * chat's queue in the order stored); when it answers a fence the row is stored already
   * `sending`, if the lease still carries that fence (else it stays `queued`).
   * Null when the ticket does not exist.
   */
  storeReply(
    reply: NewReply,
    claim: (message: { id: number; phone: string; earlier?: { id: number; phone: string }[] }) => Fence | null,
  ): Promise<{ ticket: TicketRow; message: EntryRow } | null>;
  firstCall(idempotencyKey: string): Promise<FirstCall | null>;
  recordOutcome(idempotencyKey: string, outcome: Outcome): Promise<void>;

  /** Outgoing messages not yet settled (queued or sending), oldest first. */
  pending(): Promise<{ id: number; phone: string }[]>;
  pendingCount(): Promise<number>;
  outgoing(id: number): Promise<OutgoingRow | undefined>;
  outgoingByWaId(waId: string): Promise<OutgoingRow | undefined>;
  /**
   * A new attempt starts: `sending`, one more attempt, its time; only while the WhatsApp lease
   * still has this fence (checked in the same statement). False when fenced off: not marked.
   */
  markAttempt(id: number, at: Date, fence: Fence): Promise<boolean>;
  /**
   * WhatsApp took it; `waId` null when that id already belongs to another row. `next`: the
   * chat's next reply starts its attempt in the same transaction (one commit, one fsync, where
   * a mark of its own would be another), only if it is still `queued` and the lease still has
   * that fence, as `markAttempt` would. True when `next` was marked `sending`.
   */
  markSent(id: number, waId: string | null, at: Date, next?: { id: number; fence: Fence }): Promise<boolean>;
  setDelivery(id: number, delivery: Delivery, deliveryInfo: string | null): Promise<void>;
  /** Applies an ack if it moves the state forward, compared and written under one lock; the row moved, or null. */
  applyAck(waId: string, state: AckState, deliveryInfo: string | null): Promise<OutgoingRow | null>;
  waIdTakenByAnother(waId: string, messageId: number): Promise<boolean>;
}
