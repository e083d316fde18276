import type { Db, Statement, Tx } from '../db/database.ts';
import type { Ticket } from '../db/generated/client.ts';
import type { TicketRow } from '../db/rows.ts';
import type { EntryView } from '../events.ts';
import { appendEntry, toEntry, type NewEntry } from '../messages/index.ts';
import { newNumero, numeroIn } from './numero.ts';
import { lineKey, normalizePhone } from '../contract/phone.ts';
import { recordStatus } from '../sla/history.ts';

import type { Priority, Status, Ticket as TicketView } from '../contract/index.ts';

export { PRIORITIES, STATUSES } from '../contract/index.ts';
export type { Priority, Status, TicketView };

export const toTicketView = (row: Ticket): TicketView => ({
  id: row.id,
  numero: row.numero,
  phone: row.phone,
  name: row.name,
  subject: row.subject,
  description: row.description,
  status: row.status as Status,
  priority: row.priority as Priority,
  category: row.category,
  assigneeId: row.assigneeId,
  unread: row.unread,
  lastMessageAt: row.lastMessageAt?.toISOString() ?? null,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
  resolvedAt: row.resolvedAt?.toISOString() ?? null,
  rating: row.rating,
});

export interface NewTicket {
  phone: string;
  name?: string;
  subject: string;
  description?: string;
  priority?: Priority;
  category?: string;
  historial?: NewEntry[];
}

/** The ticket and its initial history land together or not at all. */
export async function createTicket(db: Db, input: NewTicket): Promise<TicketView> {
  const { historial = [], ...fields } = input;
  const row = await db.write(async (tx) => {
    const ticket = await tx.ticket.create({
      data: { ...fields, numero: await unusedNumero(tx), phoneKey: lineKey(fields.phone), lastMessageAt: new Date() },
    });
    for (const entry of historial) await appendEntry(tx, ticket.id, entry);
    return ticket;
  });
  return toTicketView(row);
}

export type { TicketRow };

/**
 * A number no ticket has. Writes are serialised (db.write), so nothing can take it between this
 * look and the insert; a clash is a one-in-10^7 event at 100,000 tickets, so it just draws again.
 */
export async function unusedNumero(tx: Tx, draw: () => string = newNumero): Promise<string> {
  for (;;) {
    const numero = draw();
    if (!(await tx.ticket.findUnique({ where: { numero }, select: { id: true } }))) return numero;
  }
}


const dateOrNull = (text: string | null) => (text ? new Date(text) : null);

export const fromTicketRow = (row: TicketRow): TicketView =>
  toTicketView({
    ...row,
    lastMessageAt: dateOrNull(row.lastMessageAt),
    createdAt: new Date(row.createdAt),
    updatedAt: new Date(row.updatedAt),
    resolvedAt: dateOrNull(row.resolvedAt),
  });

const EXISTS: Statement = { sqlite: 'SELECT 1 FROM Ticket WHERE id = :id', postgres: 'SELECT 1 FROM "Ticket" WHERE id = :id' };

export async function ticketExists(db: Db, id: number): Promise<boolean> {
  return (await db.all(EXISTS, { id })).length > 0;
}

export async function findTicket(db: Db, id: number): Promise<TicketView | null> {
  const row = await db.prisma.ticket.findUnique({ where: { id } });
  return row ? toTicketView(row) : null;
}

// instr(), not LIKE: a search for "%" or "_" means those characters, not "anything".
// PostgreSQL: strpos() for instr(), typed parameters where they are only tested for NULL, and
// NULLS LAST because its NULLs sort first in descending order where SQLite's sort last.
const LIST: Statement = {
  sqlite: `SELECT * FROM Ticket
  WHERE (:status IS NULL OR status = :status)
    AND (:priority IS NULL OR priority = :priority)
    AND (:category IS NULL OR category = :category)
    AND (:assignee IS NULL OR assigneeId = :assignee OR (:assignee = 0 AND assigneeId IS NULL))
    AND (:text IS NULL
      OR instr(lower(subject), :text) OR instr(lower(coalesce(name, '')), :text)
      OR instr(lower(coalesce(description, '')), :text)
      OR instr(phone, :digits) OR phoneKey = :line OR id = :id OR numero = :numero)
  ORDER BY lastMessageAt DESC, id DESC LIMIT :limit OFFSET :offset`,
  postgres: `SELECT * FROM "Ticket"
  WHERE (:status::text IS NULL OR status = :status)
    AND (:priority::text IS NULL OR priority = :priority)
    AND (:category::text IS NULL OR category = :category)
    AND (:assignee::int IS NULL OR "assigneeId" = :assignee OR (:assignee = 0 AND "assigneeId" IS NULL))
    AND (:text::text IS NULL
      OR strpos(lower(subject), :text) > 0 OR strpos(lower(coalesce(name, '')), :text) > 0
      OR strpos(lower(coalesce(description, '')), :text) > 0
      OR strpos(phone, :digits::text) > 0 OR "phoneKey" = :line OR id = :id::bigint OR numero = :numero::text)
  ORDER BY "lastMessageAt" DESC NULLS LAST, id DESC LIMIT :limit OFFSET :offset`,
};

/**
 * The ticket table, polled every 5 s by every console: one prepared statement. Text matches
 * subject, name and description (case-insensitive for ASCII, as SQLite's lower() is), part of
 * the phone, the whole line in either Mexican form, the ticket's id (`#12`) or its number
 * (`TKT-AB23CD45`, with or without the prefix).
 */
export async function listTickets(db: Db, filter: TicketFilter & { limit: number; offset?: number }): Promise<TicketView[]> {
  const rows = await db.all<TicketRow>(LIST, { ...ticketFilterParams(filter), limit: filter.limit, offset: filter.offset ?? 0 });
  return rows.map(fromTicketRow);
}

export interface TicketPage {
  tickets: TicketView[];
  /** Another page follows this one (older activity). */
  hayMas: boolean;
}

/**
 * One page of the table, `pagina` counted from 1 (the newest activity). Pages, not a cursor: the
 * console re-polls the page it shows, and a ticket that moves up while someone reads page 3 just
 * shows on page 1 at the next poll. One row beyond the page says whether another follows.
 */
export async function listTicketPage(db: Db, filter: TicketFilter & { limit: number; pagina: number }): Promise<TicketPage> {
  const rows = await listTickets(db, { ...filter, limit: filter.limit + 1, offset: (filter.pagina - 1) * filter.limit });
  return { tickets: rows.slice(0, filter.limit), hayMas: rows.length > filter.limit };
}

export interface TicketFilter {
  status?: Status;
  priority?: Priority;
  q?: string;
  category?: string;
  /** An account's id, or 0 for tickets nobody is assigned to. */
  asignado?: number;
}

/** The table's filters as the named parameters of LIST (the exports apply the same ones). */
export function ticketFilterParams(filter: TicketFilter) {
  const text = filter.q?.trim() || null;
  const digits = text?.replace(/[\s().-]/g, '') || null;
  const phone = digits ? normalizePhone(digits) : null;
  return {
    status: filter.status ?? null,
    priority: filter.priority ?? null,
    category: filter.category ?? null,
    assignee: filter.asignado ?? null,
    text: text?.toLowerCase() ?? null,
    digits,
    line: phone ? lineKey(phone) : null,
    id: text && /^#?\d+$/.test(text) ? Number(text.replace('#', '')) : null,
    numero: text ? numeroIn(text) : null,
  };
}

export interface TicketPatch {
  status?: Status;
  priority?: Priority;
  assigneeId?: number | null;
  category?: string | null;
}

export type PatchRefusal = 'no_assignee' | 'no_category';

/**
 * resolvedAt marks when the work was done: set on resolve (or on a close that skipped resolve),
 * kept through the close that follows, cleared when the ticket goes back to work.
 */
function resolvedAtFor(status: Status | undefined, current: Date | null): Date | null | undefined {
  if (status === undefined) return undefined;
  if (status === 'resolved' || status === 'closed') return current ?? new Date();
  return null;
}

export interface Actor {
  authorId?: number;
  authorName?: string;
}

export interface TicketUpdate {
  ticket: TicketView;
  /** The history's system line when the assignee changed (who and when), as stored. */
  line: EntryView | null;
}

export async function updateTicket(db: Db, id: number, patch: TicketPatch, actor: Actor = {}): Promise<TicketUpdate | PatchRefusal | null> {
  const result = await db.write(async (tx) => {
    const current = await tx.ticket.findUnique({ where: { id } });
    if (!current) return null;
    const assignee = patch.assigneeId ? await tx.user.findFirst({ where: { id: patch.assigneeId, active: true } }) : null;
    if (patch.assigneeId && !assignee) return 'no_assignee';
    if (patch.category && !(await tx.category.findUnique({ where: { name: patch.category } }))) return 'no_category';
    const resolvedAt = resolvedAtFor(patch.status, current.resolvedAt);
    await recordStatus(tx, id, current.status, patch.status);
    const row = await tx.ticket.update({ where: { id }, data: { ...patch, resolvedAt } });
    const reassigned = patch.assigneeId !== undefined && patch.assigneeId !== current.assigneeId;
    const text = assignee ? `Ticket asignado a ${assignee.displayName ?? assignee.username}.` : 'Ticket sin asignar.';
    // A note (never sent, hidden from integrations) of kind `sistema`: the team sees who moved it.
    const line = reassigned ? await appendEntry(tx, id, { role: 'nota', kind: 'sistema', content: text, ...actor }) : null;
    return { row, line };
  });
  if (!result || typeof result === 'string') return result;
  return { ticket: toTicketView(result.row), line: result.line ? toEntry(result.line) : null };
}

export async function markRead(db: Db, id: number): Promise<TicketView | null> {
  const row = await db.write(async (tx) => {
    const found = await tx.ticket.findUnique({ where: { id }, select: { id: true } });
    return found ? tx.ticket.update({ where: { id }, data: { unread: 0 } }) : null;
  });
  return row ? toTicketView(row) : null;
}
