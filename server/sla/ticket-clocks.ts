import type { Db, Statement } from '../db/database.ts';
import type { Priority, TicketSla } from '../contract/index.ts';
import { firstReplyTimes } from '../messages/index.ts';
import { evaluateClock, nextZoneChange } from './clock.ts';
import type { SlaPolicy } from './policy.ts';

/** Waiting on the end user, or done: the clocks do not run. */
const PAUSED = new Set(['on_hold', 'resolved', 'closed']);
const DONE = new Set(['resolved', 'closed']);

interface ClockTicket {
  id: number;
  status: string;
  priority: Priority;
  createdAt: string;
  updatedAt: string;
  resolvedAt: string | null;
}

// Through its (ticketId, …) index, for the ids of one page only: a JSON array on SQLite
// (json_each), an int[] on PostgreSQL (= ANY). The first replies come from server/messages/.
const CHANGES: Statement = {
  sqlite: `SELECT ticketId, status, at FROM StatusChange
  WHERE ticketId IN (SELECT value FROM json_each(:ids)) ORDER BY ticketId, at, id`,
  postgres: `SELECT "ticketId", status, at FROM "StatusChange"
  WHERE "ticketId" = ANY(:ids::int[]) ORDER BY "ticketId", at, id`,
};

type Span = { from: Date; to: Date | null };

/**
 * The paused spans of one ticket, from the statuses it entered (it was created "open"). A ticket
 * whose history does not lead to its current status (seeded or imported with a status, never
 * changed here) has held that status since it was resolved or last updated: the latest moment we
 * know it did, and never before the last change we have.
 */
function pausesOf(ticket: ClockTicket, changes: { status: string; at: string }[]): Span[] {
  const spans: Span[] = [];
  const enter = (status: string, at: Date) => {
    const open = spans.at(-1);
    const pausedNow = open !== undefined && open.to === null;
    if (PAUSED.has(status) && !pausedNow) spans.push({ from: at, to: null });
    if (!PAUSED.has(status) && pausedNow) open.to = at;
  };
  for (const change of changes) enter(change.status, new Date(change.at));
  if ((changes.at(-1)?.status ?? 'open') !== ticket.status) {
    const since = Math.max(Date.parse((DONE.has(ticket.status) && ticket.resolvedAt) || ticket.updatedAt), Date.parse(changes.at(-1)?.at ?? ticket.createdAt));
    enter(ticket.status, new Date(since));
  }
  return spans;
}

/** Both SLA clocks of each ticket on a page: two indexed queries, then arithmetic. */
export async function clocksFor(
  db: Db,
  policy: SlaPolicy,
  tickets: ClockTicket[],
  now = new Date(),
  /** Lowered to the earliest instant (ms) a clock on the page changes zone by time alone. */
  next?: { at: number },
): Promise<Map<number, TicketSla>> {
  const list = tickets.map((ticket) => ticket.id);
  const replies = await firstReplyTimes(db, list);
  const ids = db.dialect === 'postgres' ? list : JSON.stringify(list);
  const changes = new Map<number, { status: string; at: string }[]>();
  for (const row of await db.all<{ ticketId: number; status: string; at: string }>(CHANGES, { ids })) {
    changes.set(row.ticketId, [...(changes.get(row.ticketId) ?? []), row]);
  }
  const clocks = new Map<number, TicketSla>();
  for (const ticket of tickets) {
    const ticketChanges = changes.get(ticket.id) ?? [];
    const pauses = pausesOf(ticket, ticketChanges);
    const start = new Date(ticket.createdAt);
    const reply = replies.get(ticket.id);
    // A ticket closed without passing through "resolved" has no resolvedAt: it was done when closed.
    const doneAt = ticket.resolvedAt ?? ticketChanges.findLast((change) => DONE.has(change.status))?.at ?? null;
    const common = { start, pauses, now, schedule: policy.schedule };
    const first = { ...common, stop: reply ? new Date(reply) : null, targetMin: policy.primeraRespuestaMin[ticket.priority] };
    const resolution = { ...common, stop: DONE.has(ticket.status) && doneAt ? new Date(doneAt) : null, targetMin: policy.resolucionMin[ticket.priority] };
    clocks.set(ticket.id, { primera_respuesta: evaluateClock(first), resolucion: evaluateClock(resolution) });
    if (next) for (const input of [first, resolution]) next.at = Math.min(next.at, nextZoneChange(input) ?? Infinity);
  }
  return clocks;
}
