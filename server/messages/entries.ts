import type { Message } from '../db/generated/client.ts';
import type { Delivery, Entry as EntryView, Speaker } from '../contract/index.ts';

/** Who wrote an entry (the contract's speaker). */
export type Role = Speaker;

export interface NewEntry {
  role: Role;
  content: string;
  timestamp?: string;
  kind?: string;
  waId?: string;
  authorId?: number;
  authorName?: string;
  /** Set for messages that must reach the end user's WhatsApp: they start `queued`. */
  deliverTo?: string;
  extra?: Record<string, unknown>;
}

/** The columns an entry is built from (a Prisma row or a raw SQLite row alike). */
export type EntryRow = Pick<Message, 'id' | 'role' | 'content' | 'timestamp' | 'kind' | 'extra' | 'authorName' | 'delivery' | 'deliveryInfo'>;

/** A stored message as Prisma returns it. */
export type MessageRow = Message;

/** Bookkeeping kept in `extra` beside the contract's fields (a download's try count); never on the wire. */
const INTERNAL_EXTRA = new Set(['adjunto_intentos']);

/**
 * Fields of `extra` the service itself writes or sets on an entry: an integration's history may
 * not carry them, or it could show a file, a place or a delivery state that never existed.
 */
export const RESERVED_EXTRA = [
  'id', 'kind', 'author', 'autor', 'delivery', 'deliveryInfo',
  'adjunto', 'adjunto_pendiente', 'ubicacion', 'contacto', ...INTERNAL_EXTRA,
] as const;

function publicExtra(extra: string | null): Record<string, unknown> {
  if (!extra) return {};
  const fields = JSON.parse(extra) as Record<string, unknown>;
  for (const key of INTERNAL_EXTRA) delete fields[key];
  return fields;
}

/** The contract's shape: role, content, timestamp first, then what this service adds. */
export function toEntry(row: EntryRow): EntryView {
  const entry: EntryView = {
    role: row.role as Role,
    content: row.content,
    timestamp: row.timestamp,
    ...publicExtra(row.extra),
    id: row.id,
    kind: row.kind,
  };
  if (row.authorName) entry.author = row.authorName;
  if (row.role === 'nota') entry.autor = row.authorName ?? 'Sistema'; // the name docs/api.md gives a note's author
  if (row.delivery) entry.delivery = row.delivery as Delivery;
  if (row.deliveryInfo) entry.deliveryInfo = row.deliveryInfo;
  return entry;
}

export interface HistoryWindow {
  /** Only entries after this id (what a poll has not seen yet). */
  after?: number;
  /** Only entries before this id (paging back through a long chat). */
  before?: number;
  /** Only the newest this many of the rest, still served oldest first. */
  limit?: number;
  /** Include internal notes (role `nota`): the console asks for them, integrations by default do not. */
  notes?: boolean;
}
