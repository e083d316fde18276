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
  resolveLid: NonNullable<MappingOptions['resolveLid']>;
  emit: (message: InboundMessage) => Promise<InboundOutcome>;
  /** Older messages are history, not news: a first link must not open a ticket per old chat. */
  windowMs: number;
  now?: () => number;
  log: Logger;
}

/** Enough to cover an outage on any realistic support chat, small enough to stay cheap. */
const MESSAGES_PER_CHAT = 50;

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
  const phone = await phoneOf(chat.id._serialized, deps.resolveLid);
  if (!phone) return 0;
  const since = deps.lastInboundAt ? await deps.lastInboundAt(phone) : null;
  const sinceSeconds = since ? Math.floor(since.getTime() / 1000) : null;
  const unread = chat.unreadCount ?? 0;
  if (sinceSeconds !== null ? (chat.timestamp ?? Infinity) < sinceSeconds : unread <= 0) return 0;

  const incoming = (await chat.fetchMessages({ limit: MESSAGES_PER_CHAT }))
    .filter((m) => !(m.fromMe ?? m.id.fromMe) && m.timestamp >= floorSeconds)
    .sort((a, b) => a.timestamp - b.timestamp);
  // Same-second messages are kept (>=): the one already stored comes back as a duplicate.
  const missed = sinceSeconds !== null ? incoming.filter((m) => m.timestamp >= sinceSeconds) : incoming.slice(-unread);

  let filed = 0;
  for (const message of missed) {
    const inbound = await toInboundMessage(message, { resolveLid: deps.resolveLid, recovered: true });
    if ((await deps.emit(inbound)) === 'filed') filed++;
  }
  return filed;
}
