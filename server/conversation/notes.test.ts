import type { InjectOptions } from 'fastify';
import { describe, expect, it } from 'vitest';
import { createTicket, historyRows, loginCookie } from '../../test/support/app.ts';
import { useTestApp } from '../../test/support/use-app.ts';

const t = useTestApp();

const asAdmin = (options: InjectOptions) => t.app.inject({ ...options, headers: { ...t.admin, ...options.headers } });
const note = (ticketId: number, payload: unknown) => asAdmin({ method: 'POST', url: `/ticket/${ticketId}/nota`, payload: payload as object });
const conversation = async (ticketId: number, query = '') =>
  ((await asAdmin({ method: 'GET', url: `/ticket/${ticketId}/conversacion${query}` })).json() as { historial: Record<string, unknown>[] }).historial;

describe('POST /ticket/:id/nota', () => {
  it('401 no_autenticado without credentials, and stores nothing', async () => {
    const ticket = await createTicket(t);
    const response = await t.app.inject({ method: 'POST', url: `/ticket/${ticket.id}/nota`, payload: { texto: 'x' } });
    expect(response.statusCode).toBe(401);
    expect(await historyRows(t, ticket.id)).toEqual([]);
  });

  it('201 with the entry; stored as a nota with its author, never queued for WhatsApp', async () => {
    const ticket = await createTicket(t);
    const response = await note(ticket.id, { texto: 'El usuario ya probó reiniciar 🔁' });

    expect(response.statusCode).toBe(201);
    expect(response.json()).toMatchObject({ role: 'nota', content: 'El usuario ya probó reiniciar 🔁', timestamp: expect.any(String), autor: 'Administrador' });
    const [row] = await historyRows(t, ticket.id);
    expect(row).toMatchObject({ role: 'nota', delivery: null, phone: null, authorName: 'Administrador' });
    // Something sent afterwards goes out; the note never does.
    await asAdmin({ method: 'POST', url: `/ticket/${ticket.id}/enviar-mensaje`, payload: { mensaje: 'Hola' } });
    expect((await t.simulator.sent()).map((sent) => sent.body)).toEqual(['Hola']);
  });

  it('GET /conversacion hides notes unless ?notas=1', async () => {
    const ticket = await createTicket(t, { historial: [{ role: 'user', content: 'Ayuda' }] });
    await note(ticket.id, { texto: 'solo para el equipo' });

    expect((await conversation(ticket.id)).map((entry) => entry.role)).toEqual(['user']);
    expect((await conversation(ticket.id, '?limite=10')).map((entry) => entry.role)).toEqual(['user']);
    expect(await conversation(ticket.id, '?notas=1')).toEqual([
      expect.objectContaining({ role: 'user' }),
      expect.objectContaining({ role: 'nota', content: 'solo para el equipo', autor: 'Administrador' }),
    ]);
    expect((await asAdmin({ method: 'GET', url: `/ticket/${ticket.id}/conversacion?notas=si` })).statusCode).toBe(400);
  });

  it.each([
    ['empty', { texto: '   ' }, /la nota no puede estar vacía/],
    ['not text', { texto: 5 }, /la nota debe ser texto/],
    ['too long', { texto: 'x'.repeat(4097) }, /la nota admite hasta 4096 caracteres/],
    ['missing', {}, /texto/],
  ])('400 solicitud_invalida for a note that is %s, and nothing is stored', async (_, payload, message) => {
    const ticket = await createTicket(t);
    const response = await note(ticket.id, payload);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error: 'solicitud_invalida', mensaje: expect.stringMatching(message) });
    expect(await historyRows(t, ticket.id)).toEqual([]);
  });

  it('404 ticket_no_encontrado for a missing ticket', async () => {
    const response = await note(4242, { texto: 'x' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ error: 'ticket_no_encontrado', ticket_id: 4242 });
  });
});

describe('assignment in the history', () => {
  it('each change of assignee is a system line with who and when; other changes add none', async () => {
    const ticket = await createTicket(t);
    const users = await asAdmin({ method: 'POST', url: '/api/users', payload: { username: 'luis', password: 'clave-segura-1', role: 'tecnico', displayName: 'Luis Díaz' } });
    const luis = users.json() as { id: number };

    await asAdmin({ method: 'PATCH', url: `/api/tickets/${ticket.id}`, payload: { assigneeId: luis.id } });
    await asAdmin({ method: 'PATCH', url: `/api/tickets/${ticket.id}`, payload: { assigneeId: luis.id, priority: 'alta' } }); // same assignee
    await asAdmin({ method: 'PATCH', url: `/api/tickets/${ticket.id}`, payload: { assigneeId: null } });

    const lines = await conversation(ticket.id, '?notas=1');
    expect(lines).toEqual([
      expect.objectContaining({ role: 'nota', kind: 'sistema', content: 'Ticket asignado a Luis Díaz.', autor: 'Administrador', timestamp: expect.any(String) }),
      expect.objectContaining({ role: 'nota', kind: 'sistema', content: 'Ticket sin asignar.', autor: 'Administrador' }),
    ]);
    expect(await conversation(ticket.id)).toEqual([]);
  });

  it('a deactivated account cannot be assigned, and no line is written', async () => {
    const ticket = await createTicket(t);
    const luis = (await asAdmin({ method: 'POST', url: '/api/users', payload: { username: 'luis', password: 'clave-segura-1', role: 'tecnico' } })).json() as { id: number };
    await asAdmin({ method: 'DELETE', url: `/api/users/${luis.id}` });
    const response = await asAdmin({ method: 'PATCH', url: `/api/tickets/${ticket.id}`, payload: { assigneeId: luis.id } });
    expect(response.statusCode).toBe(400);
    expect(await historyRows(t, ticket.id)).toEqual([]);
  });
});

describe('GET /api/equipo', () => {
  it('lists the active accounts by name for any technician; a deactivated one is gone', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/equipo' })).statusCode).toBe(401);
    const luis = (await asAdmin({ method: 'POST', url: '/api/users', payload: { username: 'luis', password: 'clave-segura-1', role: 'tecnico', displayName: 'Luis Díaz' } })).json() as { id: number };
    await asAdmin({ method: 'POST', url: '/api/users', payload: { username: 'eva', password: 'clave-segura-1', role: 'tecnico' } });
    const cookie = await loginCookie(t.app, 'luis', 'clave-segura-1');
    const team = await t.app.inject({ method: 'GET', url: '/api/equipo', headers: { cookie } });
    expect(team.json()).toEqual({ equipo: [expect.objectContaining({ nombre: 'Administrador' }), { id: luis.id, nombre: 'Luis Díaz', en_linea: false }, expect.objectContaining({ nombre: 'eva' })] });
    await asAdmin({ method: 'DELETE', url: `/api/users/${luis.id}` });
    expect((await asAdmin({ method: 'GET', url: '/api/equipo' })).json().equipo.map((p: { nombre: string }) => p.nombre)).toEqual(['Administrador', 'eva']);
  });
});
