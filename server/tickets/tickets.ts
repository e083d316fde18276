import type { Db } from '../db/database.ts';
import type { Ticket } from '../db/generated/client.ts';
import type { TicketRow } from '../db/rows.ts';
import { appendEntry, type NewEntry } from '../messages/index.ts';
import { lineKey, normalizePhone } from './phone.ts';

export const STATUSES = ['open', 'in_progress', 'on_hold', 'resolved', 'closed'] as const;
export const PRIORITIES = ['baja', 'media', 'alta', 'urgente'] as const;
export type Status = (typeof STATUSES)[number];
export type Priority = (typeof PRIORITIES)[number];

export interface TicketView {
  id: number;
  phone: string;
  name: string | null;
  subject: string;
  description: string | null;
  status: Status;
  priority: Priority;
  category: string | null;
  assigneeId: number | null;
  unread: number;
  lastMessageAt: string | null;
  createdAt: string;
  updatedAt: string;
  resolvedAt: string | null;
}

export const toTicketView = (row: Ticket): TicketView => ({
  id: row.id,
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
      data: { ...fields, phoneKey: lineKey(fields.phone), lastMessageAt: new Date() },
    });
    for (const entry of historial) await appendEntry(tx, ticket.id, entry);
    return ticket;
  });
  return toTicketView(row);
}

export type { TicketRow };

const dateOrNull = (text: string | null) => (text ? new Date(text) : null);

export const fromTicketRow = (row: TicketRow): TicketView =>
  toTicketView({
    ...row,
    lastMessageAt: dateOrNull(row.lastMessageAt),
    createdAt: new Date(row.createdAt),
    updatedAt: new Date(row.updatedAt),
    resolvedAt: dateOrNull(row.resolvedAt),
  });

export function ticketExists(db: Db, id: number): boolean {
  return db.sql('SELECT 1 FROM Ticket WHERE id = ?').get(id) !== undefined;
}

export async function findTicket(db: Db, id: number): Promise<TicketView | null> {
  const row = await db.prisma.ticket.findUnique({ where: { id } });
  return row ? toTicketView(row) : null;
}

// instr(), not LIKE: a search for "%" or "_" means those characters, not "anything".
const LIST = `SELECT * FROM Ticket
  WHERE (:status IS NULL OR status = :status)
    AND (:text IS NULL
      OR instr(lower(subject), :text) OR instr(lower(coalesce(name, '')), :text)
      OR instr(lower(coalesce(description, '')), :text)
      OR instr(phone, :digits) OR phoneKey = :line OR id = :id)
  ORDER BY lastMessageAt DESC, id DESC LIMIT :limit`;

/**
 * The ticket table, polled every 5 s by every console: one prepared statement. Text matches
 * subject, name and description (case-insensitive for ASCII, as SQLite's lower() is), part of
 * the phone, the whole line in either Mexican form, or the ticket number (`#12`).
 */
export async function listTickets(db: Db, filter: { status?: Status; q?: string; limit: number }): Promise<TicketView[]> {
  const rows = db.sql(LIST).all({ ...ticketFilterParams(filter), limit: filter.limit }) as TicketRow[];
  return rows.map(fromTicketRow);
}

/** The table's filters as the named parameters of LIST (the exports apply the same ones). */
export function ticketFilterParams(filter: { status?: Status; q?: string }) {
  const text = filter.q?.trim() || null;
  const digits = text?.replace(/[\s().-]/g, '') || null;
  const phone = digits ? normalizePhone(digits) : null;
  return {
    status: filter.status ?? null,
    text: text?.toLowerCase() ?? null,
    digits,
    line: phone ? lineKey(phone) : null,
    id: text && /^#?\d+$/.test(text) ? Number(text.replace('#', '')) : null,
  };
}

export interface TicketPatch {
  status?: Status;
  priority?: Priority;
  assigneeId?: number | null;
}

export async function updateTicket(db: Db, id: number, patch: TicketPatch): Promise<TicketView | 'no_assignee' | null> {
  const row = await db.write(async (tx) => {
    const current = await tx.ticket.findUnique({ where: { id } });
    if (!current) return null;
    if (patch.assigneeId && !(await tx.user.findFirst({ where: { id: patch.assigneeId, active: true } }))) return 'no_assignee';
    const resolvedAt =
      patch.status === undefined ? undefined : patch.status === 'resolved' ? (current.resolvedAt ?? new Date()) : null;
    return tx.ticket.update({ where: { id }, data: { ...patch, resolvedAt } });
  });
  return row && row !== 'no_assignee' ? toTicketView(row) : row;
}

export async function markRead(db: Db, id: number): Promise<TicketView | null> {
  const row = await db.write(async (tx) => {
    const found = await tx.ticket.findUnique({ where: { id }, select: { id: true } });
    return found ? tx.ticket.update({ where: { id }, data: { unread: 0 } }) : null;
  });
  return row ? toTicketView(row) : null;
}
