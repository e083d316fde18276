import type { InjectOptions } from 'fastify';
import { describe, expect, it } from 'vitest';
import { createTicket, historyRows } from '../../test/support/app.ts';
import { useTestApp } from '../../test/support/use-app.ts';

const t = useTestApp();

const prisma = () => t.app.puente.db.prisma;
const asAdmin = (options: InjectOptions) => t.app.inject({ ...options, headers: { ...t.admin, ...options.headers } });
const counts = async () => ({ tickets: await prisma().ticket.count(), messages: await prisma().message.count() });
const inbound = (from: string, body: string, extra: Record<string, string> = {}) =>
  asAdmin({ method: 'POST', url: '/api/simulator/inbound', payload: { from, body, ...extra } });
const list = async (query = '') => {
  const response = await asAdmin({ method: 'GET', url: `/api/tickets${query}` });
  expect(response.statusCode).toBe(200);
  return (response.json() as { tickets: { id: number }[] }).tickets;
};
const ids = (tickets: { id: number }[]) => tickets.map((ticket) => ticket.id);

describe('POST /api/tickets', () => {
  it('401 no_autenticado without credentials, and writes nothing', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/api/tickets', payload: { phone: '+5214771234567', subject: 'x' } });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ error: 'no_autenticado' });
    expect(await counts()).toEqual({ tickets: 0, messages: 0 });
  });

  it('201 with the ticket, stored with the phone in E.164 and the defaults', async () => {
    const response = await asAdmin({
      method: 'POST',
      url: '/api/tickets',
      payload: {
        phone: '+52 1 (477) 275-8198',
        name: 'Juan Pérez',
        subject: 'Laptop no enciende',
        description: 'Desde ayer no prende',
        category: 'hardware',
      },
    });

    expect(response.statusCode).toBe(201);
    const body = response.json();
    expect(body).toEqual({
      id: expect.any(Number),
      numero: expect.stringMatching(/^TKT-[2-9A-HJ-NP-Z]{8}$/),
      phone: '+5214772758198',
      name: 'Juan Pérez',
      subject: 'Laptop no enciende',
      description: 'Desde ayer no prende',
      status: 'open',
      priority: 'media',
      category: 'hardware',
      assigneeId: null,
      unread: 0,
      lastMessageAt: expect.any(String),
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      resolvedAt: null,
      rating: null,
    });
    const row = await prisma().ticket.findUniqueOrThrow({ where: { id: body.id } });
    expect(row).toMatchObject({ phone: '+5214772758198', phoneKey: '+524772758198', status: 'open', priority: 'media', unread: 0 });
    expect(await historyRows(t, body.id)).toEqual([]);
  });

  it('201 with an initial historial: it comes back first, in order, timestamps byte for byte and extra fields kept, and nothing of it is sent', async () => {
    const historial = [
      { role: 'assistant', content: 'Hola, soy el asistente. ¿Cuál es tu número de empleado?', timestamp: '2026-02-05T09:00:00', paso: 1 },
      { role: 'user', content: 'E-4521 😀 ñandú', timestamp: '2026-02-05T09:00:42.5-06:00', canal: 'whatsapp' },
      { role: 'tecnico', content: 'Lo reviso.', timestamp: '2026-02-05T09:01:00Z', meta: { intento: 2, etiquetas: ['vpn', 'correo'] } },
    ];
    const created = await createTicket(t, { phone: '+5214771234567', historial });
    // The end user writes afterwards: the new entry follows the initial ones.
    expect((await inbound('+5214771234567', 'sigo esperando')).json()).toEqual({ outcome: 'filed' });

    const response = await asAdmin({ method: 'GET', url: `/ticket/${created.id}/conversacion` });

    expect(response.statusCode).toBe(200);
    const entries = (response.json() as { historial: Record<string, unknown>[] }).historial;
    expect(entries.map((entry) => entry.content)).toEqual([...historial.map((entry) => entry.content), 'sigo esperando']);
    expect(entries.slice(0, 3).map((entry) => entry.timestamp)).toEqual([
      '2026-02-05T09:00:00',
      '2026-02-05T09:00:42.5-06:00',
      '2026-02-05T09:01:00Z',
    ]);
    expect(response.body).toContain('"timestamp":"2026-02-05T09:00:00"');
    expect(entries[0]).toMatchObject({ role: 'assistant', paso: 1 });
    expect(entries[1]).toMatchObject({ role: 'user', canal: 'whatsapp' });
    expect(entries[2]).toMatchObject({ role: 'tecnico', meta: { intento: 2, etiquetas: ['vpn', 'correo'] } });
    expect(entries[3]).toMatchObject({ role: 'user' });
    for (const entry of entries.slice(0, 3)) expect(entry).not.toHaveProperty('delivery');

    const rows = await historyRows(t, created.id);
    expect(rows.map((row) => row.timestamp).slice(0, 3)).toEqual(historial.map((entry) => entry.timestamp));
    expect(rows.slice(0, 3).map((row) => row.delivery)).toEqual([null, null, null]);
    expect(await t.simulator.sent()).toEqual([]);
  });

  it.each([
    ['an invalid phone', { phone: '12ab' }, /^phone: el teléfono debe estar en formato internacional/],
    ['a missing phone', { phone: undefined }, /^phone: falta el teléfono$/],
    ['a missing subject', { subject: undefined }, /^subject: falta el asunto$/],
    ['a blank subject', { subject: '   ' }, /^subject: falta el asunto$/],
    ['a bad priority', { priority: 'altísima' }, /^priority: la prioridad debe ser una de: baja, media, alta, urgente$/],
    [
      'a bad historial role (in the second entry)',
      { historial: [{ role: 'user', content: 'hola' }, { role: 'bot', content: 'x' }] },
      /^historial\.1\.role: role debe ser user, assistant o tecnico$/,
    ],
    ['a historial timestamp that is not ISO-8601', { historial: [{ role: 'user', content: 'hola', timestamp: 'ayer' }] }, /ISO-8601/],
    ['a historial that is not a list', { historial: { role: 'user', content: 'hola' } }, /^historial: /],
    [
      'a historial entry faking a file the service never stored',
      { historial: [{ role: 'user', content: '', adjunto: { id: 1, nombre: 'x.pdf', tipo: 'application/pdf', bytes: 1, url: '/api/adjuntos/1' } }] },
      /^historial\.0\.adjunto: adjunto lo pone el servicio/,
    ],
    ['a historial entry faking a delivery state', { historial: [{ role: 'tecnico', content: 'hola', delivery: 'read' }] }, /^historial\.0\.delivery: /],
  ])('400 solicitud_invalida for %s, with nothing written', async (_, override, message) => {
    const before = await counts();
    const payload = {
      phone: '+5214771234567',
      subject: 'No hay red',
      historial: [{ role: 'user', content: 'hola' }],
      ...override,
    };
    const response = await asAdmin({ method: 'POST', url: '/api/tickets', payload });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error: 'solicitud_invalida', mensaje: expect.stringMatching(message) });
    expect(await counts()).toEqual(before);
  });
});

describe('GET /api/tickets', () => {
  it('401 no_autenticado without credentials', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/tickets' });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ error: 'no_autenticado' });
  });

  it('200 lists every ticket, the most recent activity first', async () => {
    const first = await createTicket(t, { phone: '+5214770000001', subject: 'Primero' });
    const second = await createTicket(t, { phone: '+5214770000002', subject: 'Segundo' });
    const third = await createTicket(t, { phone: '+5214770000003', subject: 'Tercero' });
    expect(ids(await list())).toEqual([third.id, second.id, first.id]);

    await inbound('+5214770000001', 'hola otra vez'); // the oldest ticket gets news
    expect(ids(await list())).toEqual([first.id, third.id, second.id]);

    const reply = await asAdmin({ method: 'POST', url: `/ticket/${second.id}/enviar-mensaje`, payload: { mensaje: 'ya voy' } });
    expect(reply.statusCode).toBe(200); // a technician's reply is activity too
    expect(ids(await list())).toEqual([second.id, first.id, third.id]);
  });

  it('200 searches text literally and finds a line by either Mexican form or with dashes', async () => {
    const juan = await createTicket(t, { phone: '+5214772758198', name: 'Juan', subject: 'Descuento del 50% en tóner' });
    const ana = await createTicket(t, { phone: '+525512345678', name: 'Ana', subject: 'Impresora' });
    expect(ids(await list('?q=%25'))).toEqual([juan.id]);
    expect(ids(await list('?q=_'))).toEqual([]);
    expect(ids(await list(`?q=${encodeURIComponent('+524772758198')}`))).toEqual([juan.id]);
    expect(ids(await list(`?q=${encodeURIComponent('+5215512345678')}`))).toEqual([ana.id]);
    expect(ids(await list('?q=55-1234-5678'))).toEqual([ana.id]);
  });

  it('200 filters by status', async () => {
    const open = await createTicket(t, { phone: '+5214770000001' });
    const resolved = await createTicket(t, { phone: '+5214770000002' });
    const onHold = await createTicket(t, { phone: '+5214770000003' });
    await asAdmin({ method: 'PATCH', url: `/api/tickets/${resolved.id}`, payload: { status: 'resolved' } });
    await asAdmin({ method: 'PATCH', url: `/api/tickets/${onHold.id}`, payload: { status: 'on_hold' } });

    expect(ids(await list('?status=resolved'))).toEqual([resolved.id]);
    expect(ids(await list('?status=on_hold'))).toEqual([onHold.id]);
    expect(ids(await list('?status=open'))).toEqual([open.id]);
    expect(await list('?status=closed')).toEqual([]);
  });

  it('400 solicitud_invalida for an unknown status', async () => {
    const response = await asAdmin({ method: 'GET', url: '/api/tickets?status=abierto' });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error: 'solicitud_invalida', mensaje: expect.stringMatching(/^status: el estado debe ser uno de/) });
  });

  it('200 filters by text: name, subject, phone and #id', async () => {
    const juan = await createTicket(t, { phone: '+5214771111111', name: 'Juan Pérez', subject: 'Laptop no enciende' });
    const ana = await createTicket(t, { phone: '+5214772222222', name: 'Ana Gómez', subject: 'Impresora atascada' });
    const luis = await createTicket(t, { phone: '+5215553333333', name: 'Luis Ortega', subject: 'Sin correo' });

    expect(ids(await list(`?q=${encodeURIComponent('Pérez')}`))).toEqual([juan.id]);
    expect(ids(await list(`?q=${encodeURIComponent('Gómez')}`))).toEqual([ana.id]);
    expect(ids(await list('?q=impresora'))).toEqual([ana.id]);
    expect(ids(await list('?q=correo'))).toEqual([luis.id]);
    expect(ids(await list('?q=5553333333'))).toEqual([luis.id]);
    expect(ids(await list(`?q=${encodeURIComponent('+52 1 477 222')}`))).toEqual([ana.id]);
    expect(ids(await list(`?q=${encodeURIComponent(`#${juan.id}`)}`))).toEqual([juan.id]);
    expect(ids(await list(`?q=${encodeURIComponent(`#${luis.id}`)}&status=open`))).toEqual([luis.id]);
    expect(await list('?q=teclado')).toEqual([]);
    expect(ids(await list('?q=a'))).toEqual([luis.id, ana.id, juan.id]);
  });
});

describe('GET /api/tickets/:id', () => {
  it('401 no_autenticado without credentials', async () => {
    const ticket = await createTicket(t);
    const response = await t.app.inject({ method: 'GET', url: `/api/tickets/${ticket.id}` });
    expect(response.statusCode).toBe(401);
  });

  it('200 with the ticket as stored', async () => {
    const ticket = await createTicket(t, { priority: 'alta' });
    const response = await asAdmin({ method: 'GET', url: `/api/tickets/${ticket.id}` });
    expect(response.statusCode).toBe(200);
    const row = await prisma().ticket.findUniqueOrThrow({ where: { id: ticket.id } });
    expect(response.json()).toMatchObject({
      id: ticket.id,
      phone: row.phone,
      name: 'Juan Pérez',
      priority: 'alta',
      status: 'open',
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
    });
  });

  it('400 solicitud_invalida for the id abc', async () => {
    const response = await asAdmin({ method: 'GET', url: '/api/tickets/abc' });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error: 'solicitud_invalida', mensaje: expect.stringMatching(/^id: el id debe ser/) });
  });

  it('404 ticket_no_encontrado with the ticket_id', async () => {
    const response = await asAdmin({ method: 'GET', url: '/api/tickets/999' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ error: 'ticket_no_encontrado', mensaje: 'No existe el ticket 999.', ticket_id: 999 });
  });
});

describe('PATCH /api/tickets/:id', () => {
  it('401 no_autenticado without credentials, and changes nothing', async () => {
    const ticket = await createTicket(t);
    const response = await t.app.inject({ method: 'PATCH', url: `/api/tickets/${ticket.id}`, payload: { status: 'closed' } });
    expect(response.statusCode).toBe(401);
    expect(await prisma().ticket.findUniqueOrThrow({ where: { id: ticket.id } })).toMatchObject({ status: 'open' });
  });

  it('200 resolved sets resolvedAt; back to in_progress clears it', async () => {
    const ticket = await createTicket(t);

    const resolved = await asAdmin({ method: 'PATCH', url: `/api/tickets/${ticket.id}`, payload: { status: 'resolved' } });

    expect(resolved.statusCode).toBe(200);
    const resolvedRow = await prisma().ticket.findUniqueOrThrow({ where: { id: ticket.id } });
    expect(resolvedRow.status).toBe('resolved');
    expect(resolvedRow.resolvedAt).toBeInstanceOf(Date);
    expect(Math.abs(resolvedRow.resolvedAt!.getTime() - Date.now())).toBeLessThan(10_000);
    expect(resolved.json()).toMatchObject({ id: ticket.id, status: 'resolved', resolvedAt: resolvedRow.resolvedAt!.toISOString() });

    // Changing only the priority keeps the resolution date.
    const reprioritised = await asAdmin({ method: 'PATCH', url: `/api/tickets/${ticket.id}`, payload: { priority: 'urgente' } });
    expect(reprioritised.json()).toMatchObject({ priority: 'urgente', status: 'resolved', resolvedAt: resolvedRow.resolvedAt!.toISOString() });

    const reopened = await asAdmin({ method: 'PATCH', url: `/api/tickets/${ticket.id}`, payload: { status: 'in_progress' } });

    expect(reopened.statusCode).toBe(200);
    expect(reopened.json()).toMatchObject({ status: 'in_progress', resolvedAt: null, priority: 'urgente' });
    expect(await prisma().ticket.findUniqueOrThrow({ where: { id: ticket.id } })).toMatchObject({
      status: 'in_progress',
      resolvedAt: null,
      priority: 'urgente',
    });
  });

  it('200 sets and clears the assignee', async () => {
    const ticket = await createTicket(t);
    const admin = await prisma().user.findUniqueOrThrow({ where: { username: 'admin' } });
    const assigned = await asAdmin({ method: 'PATCH', url: `/api/tickets/${ticket.id}`, payload: { assigneeId: admin.id } });
    expect(assigned.json()).toMatchObject({ assigneeId: admin.id });
    expect((await prisma().ticket.findUniqueOrThrow({ where: { id: ticket.id } })).assigneeId).toBe(admin.id);
    await asAdmin({ method: 'PATCH', url: `/api/tickets/${ticket.id}`, payload: { assigneeId: null } });
    expect((await prisma().ticket.findUniqueOrThrow({ where: { id: ticket.id } })).assigneeId).toBeNull();
  });

  it('400 for an assignee who is not an active account, with nothing changed', async () => {
    const ticket = await createTicket(t);
    const response = await asAdmin({ method: 'PATCH', url: `/api/tickets/${ticket.id}`, payload: { assigneeId: 999 } });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error: 'solicitud_invalida', mensaje: 'No existe una cuenta activa 999 para asignar.' });
    expect((await prisma().ticket.findUniqueOrThrow({ where: { id: ticket.id } })).assigneeId).toBeNull();
  });

  it.each([
    ['an empty patch', {}, /indica status, priority, assigneeId o category/],
    ['an unknown status', { status: 'terminado' }, /^status: el estado debe ser uno de/],
    ['an unknown priority', { priority: 'máxima' }, /^priority: la prioridad debe ser una de/],
  ])('400 solicitud_invalida for %s, and the row is unchanged', async (_, payload, message) => {
    const ticket = await createTicket(t);
    const before = await prisma().ticket.findUniqueOrThrow({ where: { id: ticket.id } });
    const response = await asAdmin({ method: 'PATCH', url: `/api/tickets/${ticket.id}`, payload });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error: 'solicitud_invalida', mensaje: expect.stringMatching(message) });
    expect(await prisma().ticket.findUniqueOrThrow({ where: { id: ticket.id } })).toEqual(before);
  });

  it('404 ticket_no_encontrado for a ticket that does not exist', async () => {
    const response = await asAdmin({ method: 'PATCH', url: '/api/tickets/4242', payload: { status: 'closed' } });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ error: 'ticket_no_encontrado', mensaje: 'No existe el ticket 4242.', ticket_id: 4242 });
    expect(await prisma().ticket.count()).toBe(0);
  });
});

describe('POST /api/tickets/:id/leido', () => {
  it('401 no_autenticado without credentials, and the count stays', async () => {
    await inbound('+5214771234567', 'hola');
    const [ticket] = await prisma().ticket.findMany();
    const response = await t.app.inject({ method: 'POST', url: `/api/tickets/${ticket.id}/leido` });
    expect(response.statusCode).toBe(401);
    expect((await prisma().ticket.findUniqueOrThrow({ where: { id: ticket.id } })).unread).toBe(1);
  });

  it('204 resets unread to 0', async () => {
    await inbound('+5214771234567', 'hola');
    await inbound('+5214771234567', '¿hay alguien?');
    const [ticket] = await prisma().ticket.findMany();
    expect(ticket.unread).toBe(2);

    const response = await asAdmin({ method: 'POST', url: `/api/tickets/${ticket.id}/leido` });

    expect(response.statusCode).toBe(204);
    expect(response.body).toBe('');
    expect((await prisma().ticket.findUniqueOrThrow({ where: { id: ticket.id } })).unread).toBe(0);
    expect((await asAdmin({ method: 'GET', url: `/api/tickets/${ticket.id}` })).json()).toMatchObject({ unread: 0 });
  });

  it('404 ticket_no_encontrado for a ticket that does not exist', async () => {
    const response = await asAdmin({ method: 'POST', url: '/api/tickets/31/leido' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ error: 'ticket_no_encontrado', mensaje: 'No existe el ticket 31.', ticket_id: 31 });
  });
});

describe('GET /api/plantillas', () => {
  it('401 no_autenticado without credentials', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/plantillas' });
    expect(response.statusCode).toBe(401);
  });

  it('200 with the predefined messages, each with id, titulo and texto', async () => {
    const response = await asAdmin({ method: 'GET', url: '/api/plantillas' });
    expect(response.statusCode).toBe(200);
    const { plantillas } = response.json() as { plantillas: { id: number; titulo: string; texto: string }[] };
    expect(plantillas.length).toBeGreaterThan(0);
    for (const plantilla of plantillas) {
      expect(Object.keys(plantilla).sort()).toEqual(['id', 'texto', 'titulo']);
      expect(plantilla.titulo.trim()).not.toBe('');
      expect(plantilla.texto.trim()).not.toBe('');
    }
    expect(new Set(plantillas.map((p) => p.id)).size).toBe(plantillas.length);
    expect(plantillas).toContainEqual({ id: expect.any(Number), titulo: 'Equipo listo', texto: expect.stringMatching(/listo/) });
  });

  it('a template sent through the contract endpoint reaches the phone as written', async () => {
    const ticket = await createTicket(t);
    const { plantillas } = (await asAdmin({ method: 'GET', url: '/api/plantillas' })).json();
    const texto = plantillas[0].texto as string;
    const response = await asAdmin({ method: 'POST', url: `/ticket/${ticket.id}/enviar-mensaje`, payload: { mensaje: texto } });
    expect(response.statusCode).toBe(200);
    expect(await t.simulator.sent()).toEqual([expect.objectContaining({ to: ticket.phone, body: texto })]);
  });
});
