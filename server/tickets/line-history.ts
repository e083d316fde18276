import type { Db } from '../db/database.ts';
import { toTicketView, type TicketView } from './tickets.ts';

/**
 * The end user's earlier tickets: the other tickets of the same line (Mexico's +521/+52 forms are
 * one line) opened before this one, newest first. null when the ticket does not exist.
 */
export async function earlierTickets(db: Db, id: number, limit = 50): Promise<TicketView[] | null> {
  const ticket = await db.prisma.ticket.findUnique({ where: { id }, select: { phoneKey: true } });
  if (!ticket) return null;
  const rows = await db.prisma.ticket.findMany({
    where: { phoneKey: ticket.phoneKey, id: { lt: id } },
    orderBy: { id: 'desc' },
    take: limit,
  });
  return rows.map(toTicketView);
}
