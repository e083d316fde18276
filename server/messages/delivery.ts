/**
 * What a stored delivery state means. Every outgoing message carries one in `Message.delivery`
 * (null = an entry that never goes to WhatsApp); this file is the only place that reads it.
 */
import type { Delivery } from '../contract/index.ts';

export type { Delivery };

/** WhatsApp's acknowledgements, as the driver reports them. */
export type AckState = 'sent' | 'delivered' | 'read' | 'failed';

/** What became of one send, as far as the technician waiting for it needs to know. */
export type Outcome =
  | { kind: 'sent'; waId: string }
  | { kind: 'queued' }
  | { kind: 'timeout' }
  | { kind: 'rejected'; reason: string };

/** Still the outbox's to send: waiting, or an attempt whose result is not recorded yet. */
export const isPending = (delivery: string | null): boolean => delivery === 'queued' || delivery === 'sending';

/**
 * The outcome a stored state stands for, for whoever asks after the fact (a replayed
 * Idempotency-Key, a lane meeting a row already settled). `sending` and `unknown` cannot say
 * whether the message left: the same answer a send that timed out gets.
 */
export function outcomeOf(row: { delivery: string | null; waId?: string | null }): Outcome {
  switch (row.delivery) {
    case 'queued':
      return { kind: 'queued' };
    case 'sending':
    case 'unknown':
      return { kind: 'timeout' };
    case 'failed':
      return { kind: 'rejected', reason: 'falló el envío' };
    default:
      return { kind: 'sent', waId: row.waId ?? '' };
  }
}

const RANK: Record<string, number> = { queued: 0, sending: 1, sent: 2, delivered: 3, read: 4 };

/** An ack moves the state forward only: a late `sent` never undoes `read`; `failed` beats all but `read`. */
export function ackMovesForward(current: string, ack: AckState): boolean {
  return ack === 'failed' ? current !== 'read' : (RANK[ack] ?? 0) > (RANK[current] ?? 9);
}
