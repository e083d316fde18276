/**
 * The shapes docs/api.md promises; the console shares only these with the server. Where the
 * server declares a shape, it is imported as a type (erased from the bundle), so the two cannot
 * drift apart.
 */
import type { Status, TicketView as Ticket } from '../../server/tickets/tickets.ts';

export type { Role, UserView as User } from '../../server/auth/accounts.ts';
export type { Priority, Status as TicketStatus, TicketView as Ticket } from '../../server/tickets/tickets.ts';

// A value, so it is repeated here rather than imported (server modules must stay out of the bundle).
export const STATUSES: readonly Status[] = ['open', 'in_progress', 'on_hold', 'resolved', 'closed'];

export type Delivery = 'queued' | 'sending' | 'sent' | 'delivered' | 'read' | 'failed' | 'unknown';

export interface Entry {
  id: number;
  role: 'user' | 'assistant' | 'tecnico';
  content: string;
  timestamp: string;
  kind?: string;
  author?: string;
  delivery?: Delivery;
  deliveryInfo?: string;
}

export type LinkState = 'starting' | 'qr' | 'authenticating' | 'ready' | 'disconnected' | 'logged_out';

export interface LinkStatus {
  driver: string;
  state: LinkState;
  reason?: string;
  since: string;
  lastReadyAt: string | null;
  queued: number;
  qr?: string;
  qrImage?: string;
}

export interface Plantilla {
  id: string;
  titulo: string;
  texto: string;
}

export interface SimulatorSent {
  to: string;
  body: string;
  id: string;
  at: string;
}

/** What GET /api/live pushes. */
export type LiveEvent =
  | { type: 'message'; ticketId: number; entry: Entry }
  | { type: 'delivery'; ticketId: number; messageId: number; delivery: Delivery; deliveryInfo?: string }
  | { type: 'ticket'; ticket: Ticket }
  | { type: 'whatsapp'; status: Omit<LinkStatus, 'queued'> & { queued?: number } };

/** An integration token as GET /api/tokens lists it (never the secret). */
export interface ApiToken {
  id: number;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** What POST /api/tokens answers: the secret, this once. */
export interface CreatedToken {
  id: number;
  name: string;
  token: string;
}
