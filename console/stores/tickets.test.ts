import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApi } from '../lib/api.ts';
import { fakeServer, flush } from '../testing/fake-server.ts';
import { ticket } from '../testing/fixtures.ts';
import { applyTicket, createTicketsStore, exportUrl } from './tickets.ts';

afterEach(() => vi.useRealTimers());

describe('the tickets store', () => {
  it('asks the server to filter by status and text', async () => {
    const server = fakeServer({ 'GET /api/tickets': { body: { tickets: [ticket()] } } });
    const store = createTicketsStore(createApi({ fetch: server.fetch }));
    store.setStatus('on_hold');
    await flush();
    vi.useFakeTimers();
    store.setQuery(' impresora ');
    store.setQuery(' impresora 2º ');
    vi.advanceTimersByTime(300);
    vi.useRealTimers();
    await flush();
    expect(server.calls.map((call) => call.path)).toEqual([
      '/api/tickets?status=on_hold',
      '/api/tickets?status=on_hold&q=impresora+2%C2%BA',
    ]);
    expect(store.tickets.value).toHaveLength(1);
  });

  it('polls every 5 seconds until stopped', async () => {
    vi.useFakeTimers();
    const server = fakeServer({ 'GET /api/tickets': { body: { tickets: [] } } });
    const store = createTicketsStore(createApi({ fetch: server.fetch }));
    store.start();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(server.calls).toHaveLength(3);
    store.stop();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(server.calls).toHaveLength(3);
  });

  it('ignores the answer of an older filter that arrives last', async () => {
    const slow = { release: () => {} };
    const server = fakeServer({
      'GET /api/tickets?status=closed': () => new Promise((resolve) => (slow.release = () => resolve({ body: { tickets: [ticket({ id: 1 })] } }))),
      'GET /api/tickets': { body: { tickets: [ticket({ id: 2 })] } },
    });
    const store = createTicketsStore(createApi({ fetch: server.fetch }));
    store.setStatus('closed');
    store.setStatus('');
    await flush();
    slow.release();
    await flush();
    expect(store.tickets.value.map((t) => t.id)).toEqual([2]);
  });

  it('shows a pushed new ticket at the top, and updates one it has', () => {
    const store = createTicketsStore(createApi({ fetch: fakeServer().fetch }));
    store.tickets.value = [ticket({ id: 1, lastMessageAt: '2026-02-05T10:00:00Z' })];
    store.applyEvent({ type: 'ticket', ticket: ticket({ id: 2, lastMessageAt: '2026-02-05T11:00:00Z' }) });
    store.applyEvent({ type: 'ticket', ticket: ticket({ id: 1, unread: 5, lastMessageAt: '2026-02-05T10:00:00Z' }) });
    expect(store.tickets.value.map((t) => [t.id, t.unread])).toEqual([[2, 2], [1, 5]]);
  });
});

describe('applyTicket', () => {
  const list = [ticket({ id: 1, status: 'open' })];

  it('drops a ticket that left the status filter', () => {
    expect(applyTicket(list, ticket({ id: 1, status: 'closed' }), { status: 'open', query: '', assigned: '', category: '' })).toEqual([]);
  });

  it('drops a ticket assigned to someone else under "Mis tickets", keeps an unassigned one under "Sin asignar"', () => {
    expect(applyTicket(list, ticket({ id: 1, assigneeId: 9 }), { status: '', query: '', assigned: 3, category: '' })).toEqual([]);
    expect(applyTicket([], ticket({ id: 4, assigneeId: null }), { status: '', query: '', assigned: 'ninguno', category: '' }).map((t) => t.id)).toEqual([4]);
  });

  it('keeps a row\'s SLA clocks when a push (which has none) updates it', () => {
    const sla = { primera_respuesta: { vence: null, restante_min: -5, estado: 'vencido' as const, pausado: false }, resolucion: { vence: null, restante_min: 90, estado: 'ok' as const, pausado: false } };
    const pushed = applyTicket([ticket({ id: 1, sla })], ticket({ id: 1, unread: 3 }), { status: '', query: '', assigned: '', category: '' });
    expect(pushed[0]).toMatchObject({ unread: 3, sla });
    const fresher = { ...sla, resolucion: { ...sla.resolucion, estado: 'aviso' as const } };
    expect(applyTicket([ticket({ id: 1, sla })], ticket({ id: 1, sla: fresher }), { status: '', query: '', assigned: '', category: '' })[0].sla).toEqual(fresher);
  });

  it('leaves a new ticket under a text search to the server', () => {
    expect(applyTicket(list, ticket({ id: 3 }), { status: '', query: 'vpn', assigned: '', category: '' })).toBe(list);
  });
});

describe('the table by category, and edits from a row', () => {
  it('asks the server for one category and drops a pushed ticket that left it', async () => {
    const server = fakeServer({ 'GET /api/tickets': { body: { tickets: [ticket({ id: 1, category: 'red' })] } } });
    const store = createTicketsStore(createApi({ fetch: server.fetch }));
    store.setCategory('red');
    await flush();
    expect(server.calls.map((call) => call.path)).toEqual(['/api/tickets?category=red']);
    store.applyEvent({ type: 'ticket', ticket: ticket({ id: 1, category: 'software' }) });
    expect(store.tickets.value).toEqual([]);
  });

  it('PATCHes the ticket and shows the answer; a refusal comes back as the server sentence, the row unchanged', async () => {
    const server = fakeServer({ 'PATCH /api/tickets/1': { body: ticket({ id: 1, priority: 'urgente' }) } });
    const store = createTicketsStore(createApi({ fetch: server.fetch }));
    store.tickets.value = [ticket({ id: 1, priority: 'media' })];
    expect(await store.edit(store.tickets.value[0], { priority: 'urgente' })).toBeNull();
    expect(server.calls[0].body).toEqual({ priority: 'urgente' });
    expect(store.tickets.value[0].priority).toBe('urgente');
    server.on('PATCH /api/tickets/1', { status: 400, body: { error: 'solicitud_invalida', mensaje: 'La categoría x no está en la lista.' } });
    expect(await store.edit(store.tickets.value[0], { category: 'x' })).toBe('La categoría x no está en la lista.');
    expect(store.tickets.value[0].category).not.toBe('x');
  });
});

describe('pages of the table', () => {
  it('asks for the next page only when the server says one follows, and a new filter starts again at page 1', async () => {
    const server = fakeServer({
      'GET /api/tickets?pagina=2': { body: { tickets: [ticket({ id: 1 })], pagina: 2, hay_mas: false } },
      'GET /api/tickets': { body: { tickets: [ticket({ id: 2 })], pagina: 1, hay_mas: true } },
    });
    const store = createTicketsStore(createApi({ fetch: server.fetch }));
    await store.refresh();
    expect(store.hasMore.value).toBe(true);
    store.goToPage(2);
    await flush();
    expect(store.tickets.value.map((t) => t.id)).toEqual([1]);
    expect(store.hasMore.value).toBe(false);
    store.goToPage(3); // nothing older
    store.applyEvent({ type: 'ticket', ticket: ticket({ id: 9 }) }); // belongs to page 1, not here
    expect(store.tickets.value.map((t) => t.id)).toEqual([1]);
    store.setStatus('open');
    await flush();
    expect(store.page.value).toBe(1);
    expect(server.calls.map((call) => call.path)).toEqual(['/api/tickets', '/api/tickets?pagina=2', '/api/tickets?status=open']);
  });
});

describe('exportUrl', () => {
  it('carries every filter of the table, and none when the table shows everything', () => {
    expect(exportUrl('csv', { status: '', priority: '', query: ' ', assigned: '', category: '' })).toBe('/api/exportes/tickets.csv');
    const url = exportUrl('xlsx', { status: 'open', priority: 'alta', query: ' impresora ', assigned: 'ninguno', category: 'red y wifi' });
    expect(url.startsWith('/api/exportes/tickets.xlsx?')).toBe(true);
    expect(Object.fromEntries(new URL(url, 'http://x').searchParams)).toEqual({
      status: 'open', priority: 'alta', q: 'impresora', asignado: 'ninguno', category: 'red y wifi',
    });
    expect(exportUrl('pdf', { status: '', query: '', assigned: 7, category: '' })).toBe('/api/exportes/tickets.pdf?asignado=7');
  });

  it('a pushed ticket of another priority leaves a priority-filtered table', () => {
    const filter = { status: '' as const, priority: 'urgente' as const, query: '', assigned: '' as const, category: '' };
    expect(applyTicket([ticket({ id: 1, priority: 'urgente' })], ticket({ id: 1, priority: 'baja' }), filter)).toEqual([]);
  });
});
