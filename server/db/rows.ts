import type { Ticket } from './generated/client.ts';

/** SQLite's raw ticket row (dates as text), as the prepared statements of the hot path read it. */
export type TicketRow = Omit<Ticket, 'lastMessageAt' | 'createdAt' | 'updatedAt' | 'resolvedAt'> & {
  lastMessageAt: string | null;
  createdAt: string;
  updatedAt: string;
  resolvedAt: string | null;
};
