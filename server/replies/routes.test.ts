import type { InjectOptions } from 'fastify';
import { describe, expect, it } from 'vitest';
import { createTicket, loginCookie } from '../../test/support/app.ts';
import { useTestApp } from '../../test/support/use-app.ts';

const t = useTestApp();

const asAdmin = (options: InjectOptions) => t.app.inject({ ...options, headers: { ...t.admin, ...options.headers } });
const rows = () => t.app.puente.db.prisma.quickReply.findMany({ orderBy: { id: 'asc' } });
const URL = '/api/respuestas-rapidas';

async function asTechnician(options: InjectOptions) {
  await asAdmin({ method: 'POST', url: '/api/users', payload: { username: 'tec1', password: 'clave-segura-1', role: 'tecnico' } });
  const cookie = await loginCookie(t.app, 'tec1', 'clave-segura-1');
  return t.app.inject({ ...options, headers: { cookie } });
}

describe('GET /api/respuestas-rapidas', () => {
  it('401 without credentials', async () => {
    expect((await t.app.inject({ url: URL })).statusCode).toBe(401);
  });

  it('a technician gets the five seeded replies in order; /api/plantillas is the same list', async () => {
    const response = await asTechnician({ url: URL });
    expect(response.statusCode).toBe(200);
    const { respuestas } = response.json();
    expect(respuestas.map((r: { titulo: string }) => r.titulo)).toEqual([
      'Equipo listo', 'Esperando refacción', 'En revisión', 'Confirmar datos', 'Ticket resuelto',
    ]);
    expect(respuestas[0]).toEqual({ id: expect.any(Number), titulo: 'Equipo listo', texto: expect.stringMatching(/listo/) });
    expect((await asAdmin({ url: '/api/plantillas' })).json()).toEqual({ plantillas: respuestas });
  });
});

describe('admins edit the list', () => {
  it('POST adds at the end (201), PATCH edits, DELETE removes (204); Notificar sends the edited text', async () => {
    const added = await asAdmin({ method: 'POST', url: URL, payload: { titulo: ' Cita ', texto: '¿Te queda bien mañana a las 10? 🙂' } });
    expect(added.statusCode).toBe(201);
    expect(added.json()).toEqual({ id: expect.any(Number), titulo: 'Cita', texto: '¿Te queda bien mañana a las 10? 🙂' });
    const { id } = added.json();

    const edited = await asAdmin({ method: 'PATCH', url: `${URL}/${id}`, payload: { texto: 'Mañana a las 11.' } });
    expect(edited.json()).toEqual({ id, titulo: 'Cita', texto: 'Mañana a las 11.' });
    const list = (await asAdmin({ url: URL })).json().respuestas;
    expect(list.at(-1)).toEqual({ id, titulo: 'Cita', texto: 'Mañana a las 11.' });

    const ticket = await createTicket(t);
    const sent = await asAdmin({ method: 'POST', url: `/ticket/${ticket.id}/enviar-mensaje`, payload: { mensaje: list.at(-1).texto } });
    expect(sent.statusCode).toBe(200);

    expect((await asAdmin({ method: 'DELETE', url: `${URL}/${id}` })).statusCode).toBe(204);
    expect((await rows()).map((row) => row.id)).not.toContain(id);
    expect((await asAdmin({ method: 'DELETE', url: `${URL}/${id}` })).json()).toMatchObject({ error: 'no_encontrado' });
  });

  it('403 for a technician, and nothing changes', async () => {
    const before = await rows();
    const response = await asTechnician({ method: 'POST', url: URL, payload: { titulo: 'X', texto: 'y' } });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ error: 'sin_permiso' });
    expect(await rows()).toEqual(before);
  });

  it.each([
    [{ titulo: '', texto: 'y' }, 'título'],
    [{ titulo: 'X', texto: '   ' }, 'texto'],
    [{ titulo: 'X', texto: 'y'.repeat(1001) }, '1000'],
    [{ titulo: 'X'.repeat(61), texto: 'y' }, '60'],
    [{ titulo: 3, texto: 'y' }, 'título'],
    [[], 'objeto'],
  ])('400 in Spanish for bad body %#, nothing stored', async (payload, word) => {
    const before = await rows();
    const response = await asAdmin({ method: 'POST', url: URL, payload });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'solicitud_invalida', mensaje: expect.stringContaining(word) });
    expect(await rows()).toEqual(before);
  });

  it('409 for a title another reply has, 404 for an unknown id, 400 for an empty PATCH; nothing changed', async () => {
    const before = await rows();
    expect((await asAdmin({ method: 'POST', url: URL, payload: { titulo: 'Equipo listo', texto: 'otra' } })).statusCode).toBe(409);
    const renamed = await asAdmin({ method: 'PATCH', url: `${URL}/${before[1].id}`, payload: { titulo: 'Equipo listo' } });
    expect(renamed.statusCode).toBe(409);
    expect(renamed.json().mensaje).toContain('Equipo listo');
    expect((await asAdmin({ method: 'PATCH', url: `${URL}/9999`, payload: { texto: 'x' } })).statusCode).toBe(404);
    expect((await asAdmin({ method: 'PATCH', url: `${URL}/${before[0].id}`, payload: {} })).statusCode).toBe(400);
    expect(await rows()).toEqual(before);
  });
});
