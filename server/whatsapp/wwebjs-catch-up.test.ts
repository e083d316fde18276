import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import type { InboundMessage, InboundOutcome } from './driver.ts';
import { catchUp, type CatchUpDeps, type ChatLike } from './wwebjs-catch-up.ts';
import type { WwebjsMessageLike } from './wwebjs-mapping.ts';

const NOW = Date.parse('2025-01-06T09:00:00Z');
const at = (minutesAgo: number) => Math.floor((NOW - minutesAgo * 60_000) / 1000);

function message(chatId: string, id: string, minutesAgo: number, fromMe = false): WwebjsMessageLike {
  return {
    id: { _serialized: `${fromMe}_${chatId}_${id}`, fromMe, remote: chatId },
    from: fromMe ? '5214770000000@c.us' : chatId,
    to: fromMe ? chatId : '5214770000000@c.us',
    fromMe,
    body: id,
    type: 'chat',
    timestamp: at(minutesAgo),
  };
}

function chat(id: string, messages: WwebjsMessageLike[], extra: Omit<Partial<ChatLike>, 'fetchMessages'> = {}): ChatLike & { fetchMessages: ReturnType<typeof vi.fn> } {
  return {
    id: { _serialized: id },
    isGroup: id.endsWith('@g.us'),
    unreadCount: 0,
    timestamp: Math.max(...messages.map((m) => m.timestamp)),
    fetchMessages: vi.fn(async () => messages),
    ...extra,
  };
}

function run(chats: ChatLike[], overrides: Partial<CatchUpDeps> = {}) {
  const emitted: InboundMessage[] = [];
  const stored = new Set(['false_5214771234567@c.us_visto']);
  const deps: CatchUpDeps = {
    chats: async () => chats,
    resolveLid: () => null,
    emit: async (m): Promise<InboundOutcome> => (emitted.push(m), stored.has(m.waId) ? 'duplicate' : 'filed'),
    windowMs: 7 * 24 * 3600_000,
    now: () => NOW,
    log: pino({ level: 'silent' }),
    ...overrides,
  };
  return { emitted, filed: catchUp(deps) };
}

describe('catchUp after a reconnect', () => {
  const user = '5214771234567@c.us';

  it('hands over what the user wrote since the last stored message, oldest first, as recovered', async () => {
    const messages = [message(user, 'nuevo-2', 1), message(user, 'antiguo', 90), message(user, 'visto', 30), message(user, 'nuevo-1', 10), message(user, 'respuesta', 5, true)];
    const { emitted, filed } = run([chat(user, messages)], { lastInboundAt: async () => new Date(at(30) * 1000) });
    expect(await filed).toBe(2); // 'visto' comes back as a duplicate and is not counted
    expect(emitted.map((m) => m.body)).toEqual(['visto', 'nuevo-1', 'nuevo-2']);
    expect(emitted.every((m) => m.recovered && m.from === '+5214771234567')).toBe(true);
  });

  it('reads only the unread messages of a phone never seen before', async () => {
    const messages = [message(user, 'viejo', 600), message(user, 'hola', 3), message(user, '¿hay alguien?', 2)];
    const { emitted, filed } = run([chat(user, messages, { unreadCount: 2 })], { lastInboundAt: async () => null });
    expect(await filed).toBe(2);
    expect(emitted.map((m) => m.body)).toEqual(['hola', '¿hay alguien?']);
  });

  it('skips groups, read chats of new phones and chats with nothing newer, without fetching them', async () => {
    const group = chat('120363025555555555@g.us', [message('120363025555555555@g.us', 'g', 1)], { unreadCount: 5 });
    const read = chat('5214779999999@c.us', [message('5214779999999@c.us', 'r', 1)]);
    const quiet = chat(user, [message(user, 'q', 60)]);
    const { emitted, filed } = run([group, read, quiet], {
      lastInboundAt: async (phone) => (phone === '+5214771234567' ? new Date(at(30) * 1000) : null),
    });
    expect(await filed).toBe(0);
    expect(emitted).toEqual([]);
    expect([group, read, quiet].map((c) => c.fetchMessages.mock.calls.length)).toEqual([0, 0, 0]);
  });

  it('ignores history older than the window (a first link must not open a ticket per old chat)', async () => {
    const messages = [message(user, 'hace-un-mes', 30 * 24 * 60), message(user, 'hoy', 5)];
    const { emitted, filed } = run([chat(user, messages, { unreadCount: 2 })]);
    expect(await filed).toBe(1);
    expect(emitted.map((m) => m.body)).toEqual(['hoy']);
  });

  it('goes on with the next chat when one fails', async () => {
    const broken = chat('5214778888888@c.us', [message('5214778888888@c.us', 'x', 1)], { unreadCount: 1 });
    broken.fetchMessages.mockRejectedValue(new Error('Execution context was destroyed'));
    const fine = chat(user, [message(user, 'ok', 1)], { unreadCount: 1 });
    const { emitted, filed } = run([broken, fine]);
    expect(await filed).toBe(1);
    expect(emitted.map((m) => m.body)).toEqual(['ok']);
  });

  it('skips undecrypted placeholders, whose id would later block the real text', async () => {
    const placeholder = { ...message(user, 'cifrado', 3), type: 'ciphertext', body: '' };
    const { emitted, filed } = run([chat(user, [placeholder, message(user, 'claro', 2)])], { lastInboundAt: async () => new Date(at(30) * 1000) });
    expect(await filed).toBe(1);
    expect(emitted.map((m) => m.body)).toEqual(['claro']);
  });

  it('pages back until the last stored message, not just the newest 50', async () => {
    const history = Array.from({ length: 130 }, (_, i) => message(user, `m${i}`, 200 - i)); // m0 oldest
    const paged = chat(user, history);
    // WhatsApp Web returns the newest `limit` messages (Chat.fetchMessages, whatsapp-web.js Chat.js:225-237).
    paged.fetchMessages.mockImplementation(async ({ limit }: { limit: number }) => history.slice(-limit));
    const { emitted, filed } = run([paged], { lastInboundAt: async () => new Date(at(190) * 1000) }); // m10 is stored
    expect(await filed).toBe(120);
    expect(emitted[0].body).toBe('m10');
    expect(emitted.at(-1)!.body).toBe('m129');
    expect(paged.fetchMessages.mock.calls.map(([options]) => options.limit)).toEqual([50, 100, 200]);
  });

  it('stops paging at the start of the history', async () => {
    const history = [message(user, 'solo', 5)];
    const short = chat(user, history);
    short.fetchMessages.mockImplementation(async ({ limit }: { limit: number }) => history.slice(-limit));
    const { filed } = run([short], { lastInboundAt: async () => new Date(at(600) * 1000) });
    expect(await filed).toBe(1);
    expect(short.fetchMessages).toHaveBeenCalledTimes(1);
  });

  it('files a new contact whose chat was already read on the phone, from when the link was last filing', async () => {
    const messages = [message('5214779999999@c.us', 'antes', 120), message('5214779999999@c.us', 'leído en el teléfono', 10)];
    const { emitted, filed } = run([chat('5214779999999@c.us', messages, { unreadCount: 0 })], {
      lastInboundAt: async () => null,
      newContactsSince: async () => new Date(at(60) * 1000),
    });
    expect(await filed).toBe(1);
    expect(emitted.map((m) => m.body)).toEqual(['leído en el teléfono']);
  });

  it('finds the phone behind an @lid chat', async () => {
    const lidChat = '208734567890123@lid';
    const { emitted, filed } = run([chat(lidChat, [message(lidChat, 'privado', 1)], { unreadCount: 1 })], {
      resolveLid: async (lid) => (lid === lidChat ? user : null),
    });
    expect(await filed).toBe(1);
    expect(emitted.map((m) => m.from)).toEqual(['+5214771234567']);
  });
});
