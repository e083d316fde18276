import type { Db } from '../db/database.ts';
import { adjuntoOf, INSERT_ATTACHMENT_PG } from './attachments.ts';
import type { TicketRow } from '../db/rows.ts';
import { ackMovesForward } from './delivery.ts';
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
  reply: `INSERT INTO "Message" ("ticketId", role, content, timestamp, kind, "authorId", "authorName", delivery, phone, attempts, "createdAt")
    VALUES (:ticketId, 'tecnico', :content, :timestamp, :kind, :authorId, :authorName, 'queued', :phone, 0, :at)
    RETURNING ${ENTRY}`,
  key: 'INSERT INTO "IdempotentRequest" (key, "ticketId", "messageId", "createdAt") VALUES (:key, :ticketId, :messageId, :at)',
  extra: 'UPDATE "Message" SET extra = :extra WHERE id = :id RETURNING extra',
  touch: 'UPDATE "Ticket" SET "lastMessageAt" = :at, "updatedAt" = :at WHERE id = :id',
  sendingNow: `UPDATE "Message" SET delivery = 'sending', attempts = 1, "attemptAt" = :at WHERE id = :id AND ${FENCED} RETURNING id`,
  firstCall: `SELECT r."ticketId", r."messageId", r.outcome, m.delivery, m."waId"
    FROM "IdempotentRequest" r JOIN "Message" m ON m.id = r."messageId" WHERE r.key = :key`,
  outcome: 'UPDATE "IdempotentRequest" SET outcome = :outcome WHERE key = :key',
  earlier: `SELECT id, phone FROM "Message" WHERE "ticketId" = :ticketId AND id < :id AND delivery IN ('queued', 'sending') ORDER BY id`,
  pending: `SELECT id, phone FROM "Message" WHERE delivery IN ('queued', 'sending') ORDER BY id`,
  pendingCount: `SELECT count(*) AS n FROM "Message" WHERE delivery IN ('queued', 'sending')`,
  outgoing: `SELECT ${OUTGOING} FROM "Message" WHERE id = :id`,
  outgoingByWaId: `SELECT ${OUTGOING} FROM "Message" WHERE "waId" = :waId`,
  outgoingByWaIdLocked: `SELECT ${OUTGOING} FROM "Message" WHERE "waId" = :waId FOR UPDATE`,
  attempt: `UPDATE "Message" SET delivery = 'sending', attempts = attempts + 1, "attemptAt" = :at WHERE id = :id AND ${FENCED} RETURNING id`,
  sent: `UPDATE "Message" SET delivery = 'sent', "waId" = :waId, "sentAt" = :at, "deliveryInfo" = NULL WHERE id = :id`,
  attemptNext: `UPDATE "Message" SET delivery = 'sending', attempts = attempts + 1, "attemptAt" = :at
    WHERE id = :id AND delivery = 'queued' AND ${FENCED} RETURNING id`,
  delivery: 'UPDATE "Message" SET delivery = :delivery, "deliveryInfo" = :deliveryInfo WHERE id = :id',
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
        const [message] = await sql<EntryRow>(SQL.reply, {
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
        await sql(SQL.touch, { at, id: ticket.id });
        // Called before the commit, as on SQLite: the reply takes its place in the chat's queue in
        // the order stored. A rollback after a true claim is handled by the caller, as there.
        // Under the ticket's row lock, every older reply of this ticket has committed: those still
        // waiting (perhaps stored by another process) go before this one.
        const earlier = await sql<{ id: number; phone: string }>(SQL.earlier, { ticketId: ticket.id, id: message.id });
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
    markAttempt: (id, at, fence) => db.pgWrite(async (sql) => (await sql(SQL.attempt, { at, id, ...fence })).length === 1),
    markSent: (id, waId, at, next) =>
      db.pgWrite(async (sql) => {
        await sql(SQL.sent, { waId, at, id });
        return next ? (await sql(SQL.attemptNext, { at, id: next.id, ...next.fence })).length === 1 : false;
      }),
    setDelivery: (id, delivery, deliveryInfo) => write(SQL.delivery, { delivery, deliveryInfo, id }),
    applyAck(waId, state, deliveryInfo) {
      // The row is locked from the read to the write: two acks racing cannot land out of order.
      return db.pgWrite(async (sql) => {
        const [row] = await sql<OutgoingRow>(SQL.outgoingByWaIdLocked, { waId });
        if (!row?.delivery || !ackMovesForward(row.delivery, state)) return null;
        await sql(SQL.delivery, { delivery: state, deliveryInfo, id: row.id });
        return row;
      });
    },
    async waIdTakenByAnother(waId, messageId) {
      return (await one(SQL.taken, { waId, id: messageId })) !== undefined;
    },
  };
}
