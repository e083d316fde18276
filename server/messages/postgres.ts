import type { Db } from '../db/database.ts';
import { adjuntoOf, INSERT_ATTACHMENT_PG } from './attachments.ts';
import type { TicketRow } from '../db/rows.ts';
import { isConflict } from '../db/faults.ts';
import type { EntryRow } from './entries.ts';
import type { MessageStore, OutgoingRow } from './store.ts';

// The statements of sqlite.ts in PostgreSQL's dialect: Prisma created the tables with quoted
// camelCase names, and a parameter only tested for NULL needs a type.
const ENTRY = 'id, role, content, timestamp, kind, extra, "authorName", delivery, "deliveryInfo"';
const OUTGOING = 'id, "ticketId", phone, content, delivery, "waId", "attemptAt", "createdAt"';
// The fence: the lease still names this process and generation and has not expired by the
// database's clock. FOR SHARE holds the lease row until the mark commits, so a takeover (an
// UPDATE of that row) is ordered entirely before or after it.
const FENCED = `EXISTS (SELECT 1 FROM "WhatsAppLease" WHERE id = 1 AND holder = :holder AND generation = :generation
  AND "expiresAt" > timezone('UTC', clock_timestamp()) FOR SHARE)`;

const SQL = {
  history: `SELECT ${ENTRY} FROM "Message" WHERE "ticketId" = :ticketId AND id > :after AND id < :before
    AND (role <> 'nota' OR :notes::boolean) ORDER BY id`,
  newest: `SELECT ${ENTRY} FROM "Message" WHERE "ticketId" = :ticketId AND id > :after AND id < :before
    AND (role <> 'nota' OR :notes::boolean) ORDER BY id DESC LIMIT :limit`,
  known: 'SELECT 1 FROM "Message" WHERE "waId" = :waId',
  ticket: 'SELECT * FROM "Ticket" WHERE id = :id FOR UPDATE',
  // The reply, the ticket's last-message time and the chat's older replies still waiting, in one
  // statement (one round trip where there were three). Run after the ticket's row lock was taken,
  // so its snapshot sees every older reply of the ticket committed (by any process).
  reply: `WITH m AS (
      INSERT INTO "Message" ("ticketId", role, content, timestamp, kind, "authorId", "authorName", delivery, phone, attempts, "createdAt")
      VALUES (:ticketId, 'tecnico', :content, :timestamp, :kind, :authorId, :authorName, 'queued', :phone, 0, :at)
      RETURNING ${ENTRY}),
    t AS (UPDATE "Ticket" SET "lastMessageAt" = :at, "updatedAt" = :at WHERE id = :ticketId)
    SELECT m.*, (SELECT coalesce(json_agg(json_build_object('id', e.id, 'phone', e.phone) ORDER BY e.id), '[]')
      FROM "Message" e WHERE e."ticketId" = :ticketId AND e.delivery IN ('queued', 'sending')) AS earlier FROM m`,
  key: 'INSERT INTO "IdempotentRequest" (key, "ticketId", "messageId", "createdAt") VALUES (:key, :ticketId, :messageId, :at)',
  extra: 'UPDATE "Message" SET extra = :extra WHERE id = :id RETURNING extra',
  sendingNow: `UPDATE "Message" SET delivery = 'sending', attempts = 1, "attemptAt" = :at WHERE id = :id AND ${FENCED} RETURNING id`,
  firstCall: `SELECT r."ticketId", r."messageId", r.outcome, m.delivery, m."waId"
    FROM "IdempotentRequest" r JOIN "Message" m ON m.id = r."messageId" WHERE r.key = :key`,
  outcome: 'UPDATE "IdempotentRequest" SET outcome = :outcome WHERE key = :key',
  pending: `SELECT id, phone FROM "Message" WHERE delivery IN ('queued', 'sending') ORDER BY id`,
  pendingCount: `SELECT count(*) AS n FROM "Message" WHERE delivery IN ('queued', 'sending')`,
  outgoing: `SELECT ${OUTGOING} FROM "Message" WHERE id = :id`,
  outgoingByWaId: `SELECT ${OUTGOING} FROM "Message" WHERE "waId" = :waId`,
  attempt: `UPDATE "Message" SET delivery = 'sending', attempts = attempts + 1, "attemptAt" = :at WHERE id = :id AND ${FENCED} RETURNING id`,
  sent: `UPDATE "Message" SET delivery = 'sent', "waId" = :waId, "sentAt" = :at, "deliveryInfo" = NULL WHERE id = :id`,
  // Sent, and the chat's next reply starts its attempt (fenced, still queued): one statement.
  sentAndNext: `WITH s AS (UPDATE "Message" SET delivery = 'sent', "waId" = :waId, "sentAt" = :at, "deliveryInfo" = NULL WHERE id = :id),
    n AS (UPDATE "Message" SET delivery = 'sending', attempts = attempts + 1, "attemptAt" = :at
      WHERE id = :next AND delivery = 'queued' AND ${FENCED} RETURNING id)
    SELECT id FROM n`,
  delivery: 'UPDATE "Message" SET delivery = :delivery, "deliveryInfo" = :deliveryInfo WHERE id = :id',
  // An ack in one statement: applied only if it moves the state forward (delivery.ts's
  // ackMovesForward, in SQL); the row lock the UPDATE takes orders two racing acks.
  ack: `UPDATE "Message" SET delivery = :delivery, "deliveryInfo" = :deliveryInfo
    WHERE "waId" = :waId AND delivery IS NOT NULL AND delivery <> '' AND CASE WHEN :delivery::text = 'failed' THEN delivery <> 'read'
      ELSE (CASE :delivery::text WHEN 'sent' THEN 2 WHEN 'delivered' THEN 3 WHEN 'read' THEN 4 ELSE 0 END)
        > (CASE delivery WHEN 'queued' THEN 0 WHEN 'sending' THEN 1 WHEN 'sent' THEN 2 WHEN 'delivered' THEN 3 WHEN 'read' THEN 4 ELSE 9 END) END
    RETURNING ${OUTGOING}`,
  taken: 'SELECT 1 FROM "Message" WHERE "waId" = :waId AND id <> :id',
};

/** An outgoing file is an image or a document (docs/api.md's kinds); text otherwise. */
function kindOf(mimetype: string | undefined): string {
  if (!mimetype) return 'text';
  return mimetype.startsWith('image/') ? 'image' : 'document';
}

/**
 * The message store on PostgreSQL: the same contract as sqlite.ts, through the pool's own
 * connections. Transactions take row locks (FOR UPDATE) where SQLite relies on its single writer.
 */
/** How many times a hot write given up to a deadlock or serialization conflict runs in all. */
const CONFLICT_TRIES = 3;

/**
 * A hot write PostgreSQL gave up to break a deadlock (40P01) or a serialization conflict (40001)
 * committed nothing: it runs again, as the reply store does (server/conversation/send.ts), instead
 * of dropping a send mark or an ack. Two processes' batches can meet that way (group commit).
 */
async function hot<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      if (attempt >= CONFLICT_TRIES || !isConflict(err)) throw err;
    }
  }
}

export function postgresMessages(db: Db): MessageStore {
  const query = <T>(text: string, params?: Record<string, unknown>) => db.all<T>({ sqlite: '', postgres: text }, params);
  const one = async <T>(text: string, params: Record<string, unknown>) => (await query<T>(text, params))[0];
  const write = (text: string, params: Record<string, unknown>) => db.run({ sqlite: '', postgres: text }, params);
  return {
    async history(ticketId, window = {}) {
      const bounds = { ticketId, after: window.after ?? 0, before: window.before ?? 2_147_483_647, notes: window.notes ?? false };
      return window.limit
        ? (await query<EntryRow>(SQL.newest, { ...bounds, limit: window.limit })).reverse()
        : query<EntryRow>(SQL.history, bounds);
    },
    async isKnownWaId(waId) {
      return (await one(SQL.known, { waId })) !== undefined;
    },
    storeReply(reply, claim) {
      return db.pgWrite(async (sql) => {
        const [ticket] = await sql<TicketRow>(SQL.ticket, { id: reply.ticketId });
        if (!ticket) return null;
        const now = new Date();
        const at = now.toISOString();
        const [{ earlier: waiting, ...message }] = await sql<EntryRow & { earlier: { id: number; phone: string }[] }>(SQL.reply, {
          ticketId: ticket.id,
          content: reply.text,
          timestamp: at,
          kind: kindOf(reply.attachment?.mimetype),
          authorId: reply.authorId ?? null,
          authorName: reply.authorName ?? null,
          phone: ticket.phone,
          at,
        });
        if (reply.attachment) {
          // As on SQLite: the entry carries its `adjunto` as served; the row is the file's bookkeeping.
          const [{ id: attachmentId }] = await sql<{ id: number }>(INSERT_ATTACHMENT_PG, { ...reply.attachment, messageId: message.id });
          const extra = JSON.stringify({ adjunto: adjuntoOf({ id: attachmentId, ...reply.attachment }) });
          await sql(SQL.extra, { extra, id: message.id });
          message.extra = extra;
        }
        if (reply.idempotencyKey) await sql(SQL.key, { key: reply.idempotencyKey, ticketId: ticket.id, messageId: message.id, at });
        // Called before the commit, as on SQLite: the reply takes its place in the chat's queue in
        // the order stored. A rollback after a true claim is handled by the caller, as there.
        // Under the ticket's row lock, every older reply of this ticket has committed: those still
        // waiting (perhaps stored by another process) go before this one.
        const earlier = waiting.filter((each) => each.id < message.id);
        const fence = claim({ id: message.id, phone: ticket.phone, earlier });
        if (fence && (await sql(SQL.sendingNow, { at, id: message.id, ...fence })).length === 1) message.delivery = 'sending';
        return { ticket: { ...ticket, lastMessageAt: at, updatedAt: at }, message };
      });
    },
    async firstCall(key) {
      const row = await one<{ ticketId: number; messageId: number; outcome: string | null; delivery: string | null; waId: string | null }>(
        SQL.firstCall,
        { key },
      );
      return row ? { ...row, outcome: row.outcome ? JSON.parse(row.outcome) : null } : null;
    },
    recordOutcome: (key, outcome) => write(SQL.outcome, { outcome: JSON.stringify(outcome), key }),
    pending: () => query<{ id: number; phone: string }>(SQL.pending),
    async pendingCount() {
      return (await one<{ n: number }>(SQL.pendingCount, {}))!.n;
    },
    outgoing: (id) => one<OutgoingRow>(SQL.outgoing, { id }),
    outgoingByWaId: (waId) => one<OutgoingRow>(SQL.outgoingByWaId, { waId }),
    markAttempt: (id, at, fence) =>
      hot(() => db.pgWrite(async (sql) => (await sql(SQL.attempt, { at, id, ...fence })).length === 1, { single: true })),
    markSent: (id, waId, at, next) =>
      hot(() =>
        next
          ? // Durable: the next reply's `sending` must be on disk before it is handed to WhatsApp,
            // or a crash would leave it `queued` and it would be sent again without a look.
            db.pgWrite(async (sql) => (await sql(SQL.sentAndNext, { waId, at, id, next: next.id, ...next.fence })).length === 1, { single: true })
          : // Need not wait for its flush: lost in a crash, the row is `sending` again and the
            // outbox's look-up finds the message in the chat and marks it sent (never sends it twice).
            db.pgWrite(async (sql) => void (await sql(SQL.sent, { waId, at, id })), { single: true, durable: false }).then(() => false),
      ),
    setDelivery: (id, delivery, deliveryInfo) => hot(() => write(SQL.delivery, { delivery, deliveryInfo, id })),
    applyAck(waId, state, deliveryInfo) {
      // Need not wait for its flush: a lost ack leaves an earlier state, which WhatsApp's next ack
      // (or none: `sent` stays) moves on; it never causes a send.
      return hot(() =>
        db.pgWrite(async (sql) => (await sql<OutgoingRow>(SQL.ack, { delivery: state, deliveryInfo, waId }))[0] ?? null, {
          single: true,
          durable: false,
        }),
      );
    },
    async waIdTakenByAnother(waId, messageId) {
      return (await one(SQL.taken, { waId, id: messageId })) !== undefined;
    },
  };
}
