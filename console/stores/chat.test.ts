import { afterEach, describe, expect, it } from 'vitest';
import { createApi } from '../lib/api.ts';
import type { Ticket } from '../lib/types.ts';
import { error, fakeServer, flush } from '../testing/fake-server.ts';
import { entry, ticket } from '../testing/fixtures.ts';
import { createChatStore, type ChatStore } from './chat.ts';

let chat: ChatStore;
afterEach(() => chat?.close());

function setup(historial = [entry({ id: 1 }), entry({ id: 2, role: 'tecnico', delivery: 'sent' })]) {
  const server = fakeServer({
    'GET /ticket/7/conversacion': () => ({ body: { historial } }),
    'POST /api/tickets/7/leido': { status: 204 },
  });
  const changed: Ticket[] = [];
  chat = createChatStore(createApi({ fetch: server.fetch }), { onTicket: (t) => changed.push(t) });
  return { server, changed, history: (next: typeof historial) => (historial = next) };
}

describe('the chat store', () => {
  it('opening the live chat marks the ticket read and loads the conversation', async () => {
    const { server, changed } = setup();
    chat.open(ticket(), 'chat');
    await flush();
    expect(server.callsTo('POST /api/tickets/7/leido')).toHaveLength(1);
    expect(changed.at(-1)?.unread).toBe(0);
    expect(chat.entries.value.map((e) => e.id)).toEqual([1, 2]);
  });

  it('Historial does not mark anything read and cannot send', async () => {
    const { server } = setup();
    chat.open(ticket(), 'history');
    await flush();
    chat.composer.draft.value = 'hola';
    await chat.send();
    expect(server.callsTo('POST')).toHaveLength(0);
  });

  it('applies pushed messages once, in order, and delivery states', async () => {
    setup();
    chat.open(ticket(), 'history');
    await flush();
    chat.applyEvent({ type: 'message', ticketId: 7, entry: entry({ id: 3, content: 'nuevo' }) });
    chat.applyEvent({ type: 'message', ticketId: 7, entry: entry({ id: 3, content: 'nuevo' }) });
    chat.applyEvent({ type: 'message', ticketId: 8, entry: entry({ id: 4 }) });
    chat.applyEvent({ type: 'delivery', ticketId: 7, messageId: 2, delivery: 'failed', deliveryInfo: 'sin WhatsApp' });
    expect(chat.entries.value.map((e) => [e.id, e.delivery])).toEqual([[1, undefined], [2, 'failed'], [3, undefined]]);
    expect(chat.entries.value[1].deliveryInfo).toBe('sin WhatsApp');
  });

  it('marks read again when the user writes while the chat is open', async () => {
    const { server, history } = setup();
    chat.open(ticket(), 'chat');
    await flush();
    history([entry({ id: 1 }), entry({ id: 2, role: 'tecnico' }), entry({ id: 5, role: 'user' })]);
    await chat.refresh();
    expect(server.callsTo('POST /api/tickets/7/leido')).toHaveLength(2);
  });

  it('drops a late answer for a chat that was closed', async () => {
    let release!: () => void;
    const server = fakeServer({
      'GET /ticket/7/conversacion': () => new Promise((r) => (release = () => r({ body: { historial: [entry({ id: 1 })] } }))),
      'POST /api/tickets/7/leido': { status: 204 },
    });
    chat = createChatStore(createApi({ fetch: server.fetch }));
    chat.open(ticket(), 'chat');
    await flush();
    chat.close();
    release();
    await flush();
    expect(chat.entries.value).toEqual([]);
  });

  it('resends a failed message and shows it queued', async () => {
    const { server } = setup([entry({ id: 2, role: 'tecnico', delivery: 'failed' })]);
    server.on('POST /api/messages/2/reenviar', { status: 202, body: entry({ id: 2, role: 'tecnico', delivery: 'queued' }) });
    chat.open(ticket(), 'chat');
    await flush();
    await chat.resend(2);
    expect(chat.entries.value[0].delivery).toBe('queued');
  });

  it("changes the ticket's status and tells the table", async () => {
    const { server, changed } = setup();
    server.on('PATCH /api/tickets/7', { body: ticket({ status: 'resolved' }) });
    chat.open(ticket(), 'chat');
    await chat.setStatus('resolved');
    expect(server.callsTo('PATCH')[0].body).toEqual({ status: 'resolved' });
    expect(chat.ticket.value?.status).toBe('resolved');
    expect(changed.at(-1)?.status).toBe('resolved');
  });

  it('shows why a status change failed', async () => {
    const { server } = setup();
    server.on('PATCH /api/tickets/7', error(400, 'solicitud_invalida', 'status: el estado debe ser uno de: open'));
    chat.open(ticket(), 'chat');
    await chat.setStatus('closed');
    expect(chat.composer.notice.value?.text).toBe('status: el estado debe ser uno de: open');
  });

  it('asks for the newest page only, and pages back when the chat is longer', async () => {
    const page = Array.from({ length: 200 }, (_, i) => entry({ id: 1001 + i }));
    const { server } = setup(page);
    server.on('GET /ticket/7/conversacion?notas=1&limite=200&antes=1001', { body: { historial: [entry({ id: 5 }), entry({ id: 9 })] } });
    chat.open(ticket(), 'history');
    await flush();
    expect(server.calls.at(-1)?.path).toBe('/ticket/7/conversacion?notas=1&limite=200');
    expect(chat.hasOlder.value).toBe(true);
    await chat.loadOlder();
    expect(chat.entries.value.slice(0, 3).map((e) => e.id)).toEqual([5, 9, 1001]);
    expect(chat.hasOlder.value).toBe(false);
    await chat.refresh();
    expect(chat.entries.value.slice(0, 2).map((e) => e.id)).toEqual([5, 9]);
  });
});

