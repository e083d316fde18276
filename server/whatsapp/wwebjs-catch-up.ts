import type { Logger } from 'pino';
import type { InboundMessage, InboundOutcome } from './driver.ts';
import { isIndividualChatId, phoneOf, toInboundMessage, type MappingOptions, type WwebjsMessageLike } from './wwebjs-mapping.ts';

/** The parts of a whatsapp-web.js Chat that catching up reads. */
export interface ChatLike {
  id: { _serialized: string };
  isGroup?: boolean;
  unreadCount?: number;
  /** Seconds: the chat's last activity. */
  timestamp?: number;
  fetchMessages(options: { limit: number }): Promise<WwebjsMessageLike[]>;
}

export interface CatchUpDeps {
  /** The chats worth a look: the core's active lines, else every one-to-one chat WhatsApp lists. */
  chats: () => Promise<ChatLike[]>;
  lastInboundAt?: (phone: string) => Promise<Date | null>;
  /**
   * For a phone never seen before: when the service last filed anything (from anyone). A new
   * contact's messages after it were missed even if the chat was already read on the phone.
   */
  newContactsSince?: () => Promise<Date | null>;
  resolveLid: NonNullable<MappingOptions['resolveLid']>;
  emit: (message: InboundMessage) => Promise<InboundOutcome>;
  /** Older messages are history, not news: a first link must not open a ticket per old chat. */
  windowMs: number;
  now?: () => number;
  log: Logger;
}

/** The first page; each next one asks for twice as many (WhatsApp Web loads earlier messages itself). */
const FIRST_PAGE = 50;
/** The most a chat is read back: beyond it, an outage that long is told to the operator in the log. */
const MAX_MESSAGES_PER_CHAT = 3_200;

/**
 * Files what end users wrote while the link was down. WhatsApp delivers those messages on
 * reconnect without a `message` event, so each chat with news is read since the last message
 * stored from that phone (or, for a phone never seen, its unread messages). The core dedupes on
 * the WhatsApp id, so handing over one it already has is harmless. Resolves with how many were filed.
 */
export async function catchUp(deps: CatchUpDeps): Promise<number> {
  const floorSeconds = Math.floor(((deps.now?.() ?? Date.now()) - deps.windowMs) / 1000);
  let filed = 0;
  for (const chat of await deps.chats()) {
    try {
      filed += await catchUpChat(deps, chat, floorSeconds);
    } catch (err) {
      deps.log.warn({ err, chatId: chat.id._serialized }, 'catch-up of a chat failed');
    }
  }
  return filed;
}

async function catchUpChat(deps: CatchUpDeps, chat: ChatLike, floorSeconds: number): Promise<number> {
  if (chat.isGroup || !isIndividualChatId(chat.id._serialized)) return 0;
  const chatId = chat.id._serialized;
  // A writer known only by lid is filed under the lid (as live messages are).
  const line = (await phoneOf(chatId, deps.resolveLid)) ?? (chatId.endsWith('@lid') ? chatId : null);
  if (!line) return 0;
  const since = deps.lastInboundAt ? await deps.lastInboundAt(line) : null;
  const sinceSeconds = since ? Math.floor(since.getTime() / 1000) : null;
  const unread = chat.unreadCount ?? 0;
  const newContactSince = sinceSeconds === null && deps.newContactsSince ? await deps.newContactsSince() : null;
  const newContactSeconds = newContactSince ? Math.max(floorSeconds, Math.floor(newContactSince.getTime() / 1000)) : null;
  const lastActive = chat.timestamp ?? Infinity;
  if (sinceSeconds !== null ? lastActive < sinceSeconds : unread <= 0 && (newContactSeconds === null || lastActive < newContactSeconds)) return 0;

  // Same-second messages are kept (>=): the one already stored comes back as a duplicate.
  const from = sinceSeconds ?? newContactSeconds;
  const incoming = (await fetchBack(deps, chat, { from, floor: floorSeconds, unread: sinceSeconds === null ? unread : 0 }))
    .filter((m) => !(m.fromMe ?? m.id.fromMe) && m.timestamp >= floorSeconds)
    // An undecrypted placeholder is not the message: filing its id would turn the real text,
    // once decrypted under the same id, into a duplicate.
    .filter((m) => m.type !== 'ciphertext')
    .sort((a, b) => a.timestamp - b.timestamp);
  const missed = incoming.filter((m, i) => (from !== null && m.timestamp >= from) || (sinceSeconds === null && i >= incoming.length - unread));

  let filed = 0;
  for (const message of missed) {
    const inbound = await toInboundMessage(message, { resolveLid: deps.resolveLid, recovered: true });
    if ((await deps.emit(inbound)) === 'filed') filed++;
  }
  return filed;
}

/**
 * Reads a chat back, doubling the page, until it holds a message older than `from` (the last one
 * stored) and at least `unread` incoming messages, passes the window's floor, or WhatsApp Web
 * has nothing earlier (a short page).
 */
async function fetchBack(
  deps: CatchUpDeps,
  chat: ChatLike,
  goal: { from: number | null; floor: number; unread: number },
): Promise<WwebjsMessageLike[]> {
  for (let limit = FIRST_PAGE; ; limit *= 2) {
    const page = await chat.fetchMessages({ limit });
    if (page.length < limit) return page;
    const oldest = Math.min(...page.map((m) => m.timestamp));
    const incoming = page.filter((m) => !(m.fromMe ?? m.id.fromMe)).length;
    const reachedFrom = goal.from === null || oldest < goal.from;
    if (oldest < goal.floor || (reachedFrom && incoming >= goal.unread)) return page;
    if (limit >= MAX_MESSAGES_PER_CHAT) {
      deps.log.warn({ chatId: chat.id._serialized, limit }, 'catch-up stopped paging: older missed messages of this chat are not filed');
      return page;
    }
  }
}
