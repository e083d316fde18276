import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeServer, flush } from '../testing/fake-server.ts';
import { FakeSocket, FakeWebSocket } from '../testing/fake-socket.ts';
import { entry, ticket } from '../testing/fixtures.ts';
import { createAppStores, type AppStores } from './app.ts';

let app: AppStores;
beforeEach(() => {
  FakeSocket.all = [];
});
afterEach(() => app.dispose());

async function signedIn() {
  const server = fakeServer({
    'POST /api/auth/login': { body: { user: { id: 1, username: 'ana', displayName: null, role: 'tecnico' } } },
    'GET /api/whatsapp/status': { body: { driver: 'simulator', state: 'ready', since: '2026-02-05T10:00:00Z', lastReadyAt: null, queued: 0 } },
    'GET /ticket/7/conversacion': { body: { historial: [entry({ id: 1 })] } },
    'POST /api/tickets/7/leido': { status: 204 },
    'POST /api/auth/logout': { status: 204 },
  });
  app = createAppStores({ fetch: server.fetch, WebSocket: FakeWebSocket, liveUrl: 'ws://x/api/live' });
  await app.session.login('ana', 'clave');
  await flush();
  return server;
}

describe('the stores wired together', () => {
  it('signing in opens the live socket; signing out closes it', async () => {
    await signedIn();
    expect(FakeSocket.all).toHaveLength(1);
    await app.session.logout();
    expect(FakeSocket.latest().closed).toBe(true);
  });

  it('a pushed ticket reaches the table, and a pushed message the open chat', async () => {
    await signedIn();
    app.chat.open(ticket(), 'chat');
    await flush();
    const socket = FakeSocket.latest();
    socket.onopen!();
    socket.push({ type: 'ticket', ticket: ticket({ id: 9, subject: 'Nuevo por WhatsApp' }) });
    socket.push({ type: 'message', ticketId: 7, entry: entry({ id: 2, content: '¿Sigue ahí?' }) });
    expect(app.tickets.tickets.value.map((t) => t.subject)).toContain('Nuevo por WhatsApp');
    expect(app.chat.entries.value.map((e) => e.content)).toEqual(['mensaje 1', '¿Sigue ahí?']);
  });

  it('a WhatsApp push updates the state the header shows', async () => {
    await signedIn();
    FakeSocket.latest().push({ type: 'whatsapp', status: { driver: 'simulator', state: 'disconnected', reason: 'sin red', since: 'x', lastReadyAt: null } });
    expect(app.whatsapp.status.value).toMatchObject({ state: 'disconnected', reason: 'sin red', queued: 0 });
  });

  it('an expired session closes the open chat', async () => {
    const server = await signedIn();
    app.chat.open(ticket(), 'chat');
    server.on('GET /ticket/7/conversacion', { status: 401, body: { error: 'no_autenticado', mensaje: 'x' } });
    await app.chat.refresh();
    expect(app.session.phase.value).toBe('anonymous');
    expect(app.chat.ticket.value).toBeNull();
  });
});
