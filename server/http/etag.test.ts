import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildTestApp, createTicket, eventually, historyRows, type TestApp } from '../../test/support/app.ts';
import { messagesOf } from '../messages/index.ts';

let t: TestApp;
beforeEach(async () => {
  t = await buildTestApp();
});
afterEach(async () => {
  vi.restoreAllMocks();
  await t.close();
});

const get = (url: string, etag?: string, headers: Record<string, string> = t.admin) =>
  t.app.inject({ method: 'GET', url, headers: { ...headers, ...(etag ? { 'if-none-match': etag } : {}) } });
const as = (method: 'POST' | 'PATCH', url: string, payload: unknown) => t.app.inject({ method, url, headers: t.admin, payload: payload as object });

/**
 * 200 with a weak ETag; the same request with it answers 304 and no body. Asked again while a
 * change still settles (a send's ack lands 50 ms after it; on PostgreSQL a remembered version is
 * forgotten by the change's event just after the commit): the 304 must come for some ETag.
 */
async function versionOf(url: string, headers: Record<string, string> = t.admin): Promise<string> {
  const settled = await eventually(async () => {
    const first = await get(url, undefined, headers);
    expect(first.statusCode).toBe(200);
    const etag = String(first.headers.etag);
    expect(etag).toMatch(/^W\/".+"$/);
    expect(first.headers['cache-control']).toBe('private, no-cache');
    const again = await get(url, etag, headers);
    if (again.statusCode !== 304) return undefined;
    expect(again.body).toBe('');
    expect(again.headers.etag).toBe(etag);
    return etag;
  });
  return settled!;
}

/** The view's answer to an old ETag once the change made shows: a 200. */
async function changedSince(url: string, etag: string) {
  const answer = await eventually(async () => {
    const reply = await get(url, etag);
    return reply.statusCode === 200 ? reply : undefined;
  });
  return answer!;
}

/** After `change`, the view answers 200 with a new ETag to the old one, and the new one holds. */
async function changedBy(url: string, change: () => Promise<unknown>): Promise<void> {
  const before = await versionOf(url);
  await change();
  await eventually(async () => (await get(url, before)).statusCode === 200);
  const after = await versionOf(url);
  expect(after).not.toBe(before);
}

describe('conditional GET from stored versions (ETag / If-None-Match)', () => {
  it('an unchanged poll answers 304 without reading the history, the list or the queue', async () => {
    const ticket = await createTicket(t);
    const urls = ['/api/tickets', `/ticket/${ticket.id}/conversacion`, '/api/whatsapp/status'];
    const tags = [];
    for (const url of urls) tags.push(await versionOf(url));
    const db = t.app.puente.db;
    const store = messagesOf(db);
    const history = vi.spyOn(store, 'history');
    const pending = vi.spyOn(store, 'pendingCount');
    const statements = vi.spyOn(db, 'all');
    for (let i = 0; i < 3; i++) for (const [n, url] of urls.entries()) expect((await get(url, tags[n])).statusCode).toBe(304);
    expect(history).not.toHaveBeenCalled();
    expect(pending).not.toHaveBeenCalled();
    // Each 304 cost at most one primary-key lookup of its stored version, nothing else: one each
    // on SQLite, none on PostgreSQL (remembered in memory, server/db/versions.ts).
    const run = statements.mock.calls.map(([statement]) => statement.sqlite);
    expect(run.filter((text) => /^SELECT (value FROM ChangeCounter|version FROM Ticket) WHERE/.test(text))).toHaveLength(db.dialect === 'postgres' ? 0 : 9);
    expect(run.filter((text) => /Message|FROM Ticket\b(?! WHERE id = :id)/.test(text))).toEqual([]);
    // Without If-None-Match the same requests run their queries again.
    for (const url of urls) expect((await get(url)).statusCode).toBe(200);
    expect(history).toHaveBeenCalledTimes(1);
    expect(pending).toHaveBeenCalledTimes(1);
  });

  it('GET /ticket/:id/conversacion: a new ETag for an inbound message, a reply, a delivery state, a note, a file', async () => {
    const ticket = await createTicket(t);
    const url = `/ticket/${ticket.id}/conversacion`;
    await changedBy(url, () => as('POST', '/api/simulator/inbound', { from: ticket.phone, body: 'sigue sin encender' }));
    expect((await get(url)).json().historial.at(-1).content).toBe('sigue sin encender');
    await changedBy(url, async () => expect((await as('POST', `/ticket/${ticket.id}/enviar-mensaje`, { mensaje: 'reinícialo' })).statusCode).toBe(200));
    // Only an entry's delivery state changes: a reply queued while the link is down goes out.
    await as('POST', '/api/simulator/connection', { state: 'disconnected' });
    expect((await as('POST', `/ticket/${ticket.id}/enviar-mensaje`, { mensaje: 'en cola' })).statusCode).toBe(503);
    const queued = await versionOf(url);
    expect((await get(url)).json().historial.at(-1).delivery).toBe('queued');
    await as('POST', '/api/simulator/connection', { state: 'ready' });
    await eventually(async () => (await historyRows(t, ticket.id)).at(-1)?.delivery === 'delivered');
    // On PostgreSQL the remembered version is forgotten by the delivery's event, just after the
    // row changed: the new ETag shows on a poll soon after (server/db/versions.ts).
    const delivered = await changedSince(url, queued);
    expect(delivered.json().historial.at(-1).delivery).toBe('delivered');
    // A note shows only with ?notas=1, but is a change of the ticket's history either way.
    const withNotes = await versionOf(`${url}?notas=1`);
    const note = await as('POST', `/ticket/${ticket.id}/nota`, { texto: 'revisar garantía' });
    expect(note.statusCode).toBe(201);
    const afterNote = await changedSince(`${url}?notas=1`, withNotes);
    expect(afterNote.json().historial.at(-1)).toMatchObject({ role: 'nota', content: 'revisar garantía' });
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
    await changedBy(url, () => as('POST', '/api/simulator/inbound', { from: ticket.phone, body: '', media: { base64: png.toString('base64'), mimetype: 'image/png' } }));
  });

  it('GET /ticket/:id/conversacion: each view of the history has its own ETag; another ticket’s change leaves it alone', async () => {
    const ticket = await createTicket(t);
    const other = await createTicket(t, { phone: '+5214770000002' });
    const url = `/ticket/${ticket.id}/conversacion`;
    const views = [url, `${url}?notas=1`, `${url}?limite=1`, `${url}?desde=0`];
    const tags = await Promise.all(views.map((view) => versionOf(view)));
    expect(new Set(tags).size).toBe(views.length);
    for (const [n, view] of views.entries()) expect((await get(view, tags[(n + 1) % views.length])).statusCode).toBe(200);
    await as('POST', '/api/simulator/inbound', { from: other.phone, body: 'otro ticket' });
    await eventually(async () => (await historyRows(t, other.id)).length > 0);
    expect((await get(url, tags[0])).statusCode).toBe(304);
  });

  it('GET /api/tickets: a new ETag for a status, a priority, an assignment, a category, a reading, a rating, a new ticket, a message filed', async () => {
    const ticket = await createTicket(t);
    const users = await t.app.inject({ method: 'POST', url: '/api/users', headers: t.admin, payload: { username: 'tecnica', password: 'clave-de-la-tecnica', role: 'tecnico' } });
    expect(users.statusCode).toBe(201);
    const patch = (payload: object) => async () => expect((await as('PATCH', `/api/tickets/${ticket.id}`, payload)).statusCode).toBe(200);
    await changedBy('/api/tickets', patch({ status: 'in_progress' }));
    await changedBy('/api/tickets', patch({ priority: 'alta' }));
    await changedBy('/api/tickets', patch({ assigneeId: users.json().id }));
    await changedBy('/api/tickets', patch({ category: 'red' }));
    await changedBy('/api/tickets', () => as('POST', '/api/simulator/inbound', { from: ticket.phone, body: 'hola' }));
    await changedBy('/api/tickets', () => as('POST', `/api/tickets/${ticket.id}/leido`, {}));
    // Any column of a ticket, whoever writes it (here the rating, written as the CSAT answer does).
    await changedBy('/api/tickets', () => t.app.puente.db.prisma.ticket.update({ where: { id: ticket.id }, data: { rating: 4 } }));
    await changedBy('/api/tickets', () => createTicket(t, { phone: '+5214770000003' }));
    expect((await get('/api/tickets')).json().tickets.find((row: { id: number }) => row.id === ticket.id)).toMatchObject({ status: 'in_progress', rating: 4 });
  });

  it('GET /api/tickets: each filter and page has its own ETag; a delivery ack leaves the list’s alone', async () => {
    const ticket = await createTicket(t);
    const views = ['/api/tickets', '/api/tickets?asignado=ninguno', '/api/tickets?status=resolved', '/api/tickets?pagina=2', '/api/tickets?q=laptop'];
    const tags = await Promise.all(views.map((view) => versionOf(view)));
    expect(new Set(tags).size).toBe(views.length);
    expect((await as('POST', `/ticket/${ticket.id}/enviar-mensaje`, { mensaje: 'hola' })).statusCode).toBe(200);
    const afterReply = await versionOf('/api/tickets');
    expect(afterReply).not.toBe(tags[0]);
    await eventually(async () => (await historyRows(t, ticket.id)).at(-1)?.delivery === 'delivered');
    expect((await get('/api/tickets', afterReply)).statusCode).toBe(304);
  });

  it('GET /api/tickets: the SLA clocks are read at the start of the minute, and the next minute is a new version', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const minute = (Math.floor(Date.now() / 60_000) + 1) * 60_000;
      vi.setSystemTime(minute + 5_000);
      const ticket = await createTicket(t);
      const start = await versionOf('/api/tickets');
      vi.setSystemTime(minute + 59_000);
      expect((await get('/api/tickets', start)).statusCode).toBe(304);
      vi.setSystemTime(minute + 60_000);
      const next = await get('/api/tickets', start);
      expect(next.statusCode).toBe(200);
      const clock = next.json().tickets.find((row: { id: number }) => row.id === ticket.id).sla.primera_respuesta;
      expect(clock.estado).toBeDefined();
    } finally {
      vi.useRealTimers();
    }
  });

  it('GET /api/tickets: an SLA zone change (ok → aviso → vencido) is a new version on the first poll after it, not at the next minute', async () => {
    await t.close();
    t = await buildTestApp({ SLA_PRIMERA_RESPUESTA_MIN: 'urgente=1', AUTO_ACK: 'off' });
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const minute = (Math.floor(Date.now() / 60_000) + 1) * 60_000;
      vi.setSystemTime(minute + 5_000);
      const ticket = await createTicket(t, { priority: 'urgente' });
      const zone = (answer: { json(): { tickets: { id: number; sla: { primera_respuesta: { estado: string } } }[] } }) =>
        answer.json().tickets.find((row) => row.id === ticket.id)!.sla.primera_respuesta.estado;
      const start = await versionOf('/api/tickets');
      expect(zone(await get('/api/tickets'))).toBe('ok');
      // 44 s of its minute spent: still ok, unchanged.
      vi.setSystemTime(minute + 49_000);
      expect((await get('/api/tickets', start)).statusCode).toBe(304);
      // 46 s spent (under 25 % left): aviso at once, in the same minute.
      vi.setSystemTime(minute + 51_000);
      const warned = await get('/api/tickets', start);
      expect(warned.statusCode).toBe(200);
      expect(zone(warned)).toBe('aviso');
      const aviso = String(warned.headers.etag);
      vi.setSystemTime(minute + 59_000);
      expect((await get('/api/tickets', aviso)).statusCode).toBe(304);
      // 61 s spent: vencido.
      vi.setSystemTime(minute + 66_000);
      const late = await get('/api/tickets', aviso);
      expect(late.statusCode).toBe(200);
      expect(zone(late)).toBe('vencido');
    } finally {
      vi.useRealTimers();
    }
  });

  it('GET /api/whatsapp/status: a new ETag when the link goes down and when a reply waits', async () => {
    const ticket = await createTicket(t);
    await changedBy('/api/whatsapp/status', () => as('POST', '/api/simulator/connection', { state: 'disconnected' }));
    const before = await versionOf('/api/whatsapp/status');
    expect((await as('POST', `/ticket/${ticket.id}/enviar-mensaje`, { mensaje: 'en cola' })).statusCode).toBe(503);
    const queued = await get('/api/whatsapp/status', before);
    expect(queued.statusCode).toBe(200);
    expect(queued.json().queued).toBe(1);
  });

  it('never answers an error with 304, and accepts the strong spelling and a list', async () => {
    const missing = await get('/ticket/999/conversacion', '*');
    expect(missing.statusCode).toBe(404);
    expect(missing.headers.etag).toBeUndefined();
    const invalid = await get('/api/tickets?pagina=0', '*');
    expect(invalid.statusCode).toBe(400);
    expect(invalid.headers.etag).toBeUndefined();
    const etag = await versionOf('/api/whatsapp/status');
    expect((await get('/api/whatsapp/status', `"x", ${etag.slice(2)}`)).statusCode).toBe(304);
  });
});
