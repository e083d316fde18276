import type { Logger } from 'pino';
import type { Db, Tx } from '../db/database.ts';
import type { Outbox } from '../delivery/outbox.ts';
import type { EventBus } from '../events.ts';
import { appendEntry, isFiled, messagesOf, toEntry } from '../messages/index.ts';
import { lineKey, normalizePhone } from '../contract/phone.ts';
import { recordStatus } from '../sla/history.ts';
import { toTicketView, unusedNumero } from '../tickets/tickets.ts';
import { fileRating } from '../insight/csat.ts';

/** An end user's message as a driver hands it over (the driver contract's InboundMessage). */
export interface IncomingMessage {
  waId: string;
  from: string;
  body: string;
  kind: string;
  at: Date;
  name?: string;
  isGroup?: boolean;
  isStatus?: boolean;
  fromMe?: boolean;
  /** WhatsApp's privacy id when it shows no phone: the line is then the lid itself. */
  lid?: string;
  hasMedia?: boolean;
  caption?: string;
  location?: { lat: number; lng: number };
  contact?: { nombre: string; telefono: string };
}

/** Marks an entry whose file is still to be fetched; removed once its `adjunto` is filed. */
export const MEDIA_PENDING = 'Descargando el archivo de WhatsApp…';

/**
 * What an entry carries besides its text (docs/api.md): `ubicacion`, `contacto`, and for a file
 * the mark that it is still to come (the file itself is fetched after the entry is stored).
 */
function extrasOf(message: IncomingMessage): Record<string, unknown> {
  return {
    ...(message.location ? { ubicacion: message.location } : {}),
    ...(message.contact ? { contacto: message.contact } : {}),
    ...(message.hasMedia ? { adjunto_pendiente: MEDIA_PENDING } : {}),
  };
}

/** A file's entry holds what the person wrote with it (or ""); the label is for subjects and old readers. */
const contentOf = (message: IncomingMessage) => (message.hasMedia ? (message.caption ?? '') : message.body);

export type FilingOutcome = 'filed' | 'duplicate' | 'ignored';

export interface InboundDeps {
  db: Db;
  outbox: Outbox;
  events: EventBus;
  log: Logger;
  autoAck: boolean;
}

export const ackText = (numero: string, name?: string) =>
  `Hola${name ? ` ${name}` : ''}, recibimos tu mensaje y abrimos el ticket ${numero}. Un técnico te responderá por aquí.`;

/**
 * The line to file under: the E.164 phone, or, for a writer WhatsApp shows only by privacy id
 * (`208734567890123@lid`), that id. Dropping such a message would lose a real request; its
 * ticket keeps the lid as phone, is marked "sin número", and replies go back to the lid.
 */
function lineOf(message: IncomingMessage): string | null {
  return normalizePhone(message.from) ?? (message.lid && /^\d{6,20}@lid$/.test(message.lid) ? message.lid : null);
}

/** Why a message is not an end user writing to support, or null when it is. */
function reasonToIgnore(message: IncomingMessage): string | null {
  if (message.isGroup) return 'group'; // support is one-to-one; groups would mix users in a ticket
  if (message.isStatus) return 'status broadcast'; // stories are not addressed to us
  if (message.fromMe) return 'own message'; // our replies are already in the history
  if (!lineOf(message)) return 'no phone number';
  // WhatsApp's own notices (security code changed, templates, polls, placeholders) come through
  // the same event; filing them would open tickets and acknowledge messages nobody wrote.
  if (message.kind === 'other') return 'not a message a person wrote';
  return null;
}

/**
 * Files an inbound message in the user's most recently active ticket that is not closed (a
 * resolved one reopens), or opens a ticket and, with AUTO_ACK, answers naming it.
 */
export async function fileInbound(deps: InboundDeps, message: IncomingMessage): Promise<FilingOutcome> {
  const ignored = reasonToIgnore(message);
  if (ignored) {
    deps.log.debug({ waId: message.waId, reason: ignored }, 'inbound ignored');
    return 'ignored';
  }
  // A cheap early answer from committed rows only (the hot-path connection); the check inside the
  // transaction below is the one that decides.
  if (await messagesOf(deps.db).isKnownWaId(message.waId)) return 'duplicate';
  const phone = lineOf(message)!;
  if (message.kind === 'call') return fileCall(deps, phone, message);
  const filed = await deps.db.write(async (tx) => {
    // Writes are serialised, so this second look is authoritative against a concurrent copy.
    if (await isFiled(tx, message.waId)) return null;
    // A 1–5 answer to the satisfaction question rates that ticket instead of reopening it.
    const rated = await fileRating(tx, lineKey(phone), message.body);
    if (rated) {
      const answer = await appendEntry(tx, rated.id, {
        role: 'user', content: message.body, timestamp: message.at.toISOString(), kind: message.kind, waId: message.waId,
      });
      return { ticket: rated, entries: [answer], ack: null, opened: false };
    }
    const { ticket, opened } = await ticketFor(tx, phone, message);
    const entry = await appendEntry(tx, ticket.id, {
      role: 'user',
      content: contentOf(message),
      timestamp: message.at.toISOString(),
      kind: message.kind,
      waId: message.waId,
      extra: extrasOf(message),
    });
    const ack = opened && deps.autoAck
      ? await appendEntry(tx, ticket.id, { role: 'assistant', content: ackText(ticket.numero, message.name), deliverTo: phone })
      : null;
    const updated = await tx.ticket.update({
      where: { id: ticket.id },
      data: { unread: { increment: 1 }, lastMessageAt: new Date(), name: ticket.name ?? message.name },
    });
    return { ticket: updated, entries: ack ? [entry, ack] : [entry], ack, opened };
  });
  if (!filed) return 'duplicate';
  const ticketId = filed.ticket.id;
  deps.log.info({ ticketId, phone, waId: message.waId, opened: filed.opened }, 'received');
  deps.events.emit({ type: 'ticket', ticket: toTicketView(filed.ticket) });
  for (const entry of filed.entries) deps.events.emit({ type: 'message', ticketId, entry: toEntry(entry) });
  if (filed.ack) void deps.outbox.submit({ id: filed.ack.id, phone }, { paced: true });
  return 'filed';
}

/**
 * A call log is WhatsApp's record of a call, not something the user wrote: it becomes a line of
 * the ticket being worked on (a missed call there is worth seeing) and never opens, reopens or
 * acknowledges one.
 */
async function fileCall(deps: InboundDeps, phone: string, message: IncomingMessage): Promise<FilingOutcome> {
  const filed = await deps.db.write(async (tx) => {
    if (await isFiled(tx, message.waId)) return 'duplicate' as const;
    const ticket = await tx.ticket.findFirst({
      where: { phoneKey: lineKey(phone), status: { notIn: ['resolved', 'closed'] } },
      orderBy: [{ lastMessageAt: 'desc' }, { id: 'desc' }],
    });
    if (!ticket) return null;
    const entry = await appendEntry(tx, ticket.id, {
      role: 'user', content: message.body, timestamp: message.at.toISOString(), kind: message.kind, waId: message.waId,
    });
    return { ticket, entry };
  });
  if (filed === 'duplicate') return 'duplicate';
  if (!filed) {
    deps.log.info({ waId: message.waId, phone }, 'call log without a ticket in progress; not filed');
    return 'ignored';
  }
  deps.log.info({ ticketId: filed.ticket.id, waId: message.waId }, 'call log filed');
  deps.events.emit({ type: 'message', ticketId: filed.ticket.id, entry: toEntry(filed.entry) });
  return 'filed';
}

async function ticketFor(tx: Tx, phone: string, message: IncomingMessage) {
  const current = await tx.ticket.findFirst({
    where: { phoneKey: lineKey(phone), status: { not: 'closed' } },
    orderBy: [{ lastMessageAt: 'desc' }, { id: 'desc' }],
  });
  if (current?.status === 'resolved') {
    await recordStatus(tx, current.id, current.status, 'open');
    const reopened = await tx.ticket.update({ where: { id: current.id }, data: { status: 'open', resolvedAt: null } });
    return { ticket: reopened, opened: false };
  }
  if (current) return { ticket: current, opened: false };
  // Cut by code points: half an emoji (a lone surrogate) makes Prisma reject the whole message.
  const subject = [...message.body.trim()].slice(0, 80).join('') || 'Mensaje de WhatsApp';
  const name = phone.endsWith('@lid') ? `${message.name ?? 'Contacto'} (sin número)` : message.name;
  const ticket = await tx.ticket.create({
    data: { numero: await unusedNumero(tx), phone, phoneKey: lineKey(phone), name, subject, lastMessageAt: new Date() },
  });
  return { ticket, opened: true };
}
