/**
 * The shapes docs/api.md promises come from the contract module the server answers with
 * (server/contract: types and two value lists, no server code), so the two cannot drift apart.
 * Below them, the few shapes only the console's own pages read.
 */
export type {
  AccountRole as Role,
  Delivery,
  Entry,
  LinkState,
  LinkStatus,
  LiveEvent,
  Priority,
  SlaClock,
  SlaState,
  Status as TicketStatus,
  Ticket,
  User,
} from '../../server/contract/index.ts';
export { PRIORITIES, STATUSES } from '../../server/contract/index.ts';

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
  /** A file the phone received (DESIGN.md: sha256 of the bytes, hex). */
  media?: { mimetype: string; filename: string; bytes: number; sha256: string };
}

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
