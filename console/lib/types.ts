/** The shapes docs/api.md promises; the console shares only these with the server. */

export type Role = 'admin' | 'tecnico';
export interface User {
  id: number;
  username: string;
  displayName: string | null;
  role: Role;
}

export const STATUSES = ['open', 'in_progress', 'on_hold', 'resolved', 'closed'] as const;
export type TicketStatus = (typeof STATUSES)[number];
export type Priority = 'baja' | 'media' | 'alta' | 'urgente';

export interface Ticket {
  id: number;
  phone: string;
  name: string | null;
  subject: string;
  description: string | null;
  status: TicketStatus;
  priority: Priority;
  category: string | null;
  assigneeId: number | null;
  unread: number;
  lastMessageAt: string | null;
  createdAt: string;
  updatedAt: string;
  resolvedAt: string | null;
}

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
