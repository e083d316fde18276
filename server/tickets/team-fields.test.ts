import { describe, expect, it } from 'vitest';
import { createTicket, loginCookie } from '../../test/support/app.ts';
import { useTestApp } from '../../test/support/use-app.ts';
import { callers } from '../../test/support/auth.ts';
import { unusedNumero } from './tickets.ts';

const t = useTestApp();

const prisma = () => t.app.puente.db.prisma;
const { asAdmin } = callers(() => t);
const patch = (id: number, payload: Record<string, unknown>) => asAdmin({ method: 'PATCH', url: `/api/tickets/${id}`, payload });
const row = (id: number) => prisma().ticket.findUniqueOrThrow({ where: { id } });
const listIds = async (query: string) => {
  const response = await asAdmin({ method: 'GET', url: `/api/tickets${query}` });
  expect(response.statusCode).toBe(200);
  return (response.json() as { tickets: { id: number }[] }).tickets.map((ticket) => ticket.id).sort((a, b) => a - b);
};

describe('ticket numbers', () => {
  it('each ticket gets its own TKT- number, and the table search finds it with or without the prefix', async () => {
    const a = await createTicket(t, { subject: 'Uno' });
    const b = await createTicket(t, { subject: 'Dos' });
    const [rowA, rowB] = [await row(a.id), await row(b.id)];
    expect(rowA.numero).toMatch(/^TKT-[2-9A-HJ-NP-Z]{8}$/);
    expect(rowA.numero).not.toBe(rowB.numero);

    expect(await listIds(`?q=${rowB.numero}`)).toEqual([b.id]);
    expect(await listIds(`?q=${rowB.numero.slice(4).toLowerCase()}`)).toEqual([b.id]);
  });

  it('a ticket opened by an end user is numbered, and the automatic acknowledgement names that number', async () => {
    await asAdmin({ method: 'POST', url: '/api/simulator/inbound', payload: { from: '+5214771112233', body: 'No tengo red' } });
    const ticket = await prisma().ticket.findFirstOrThrow();
    const ack = await prisma().message.findFirstOrThrow({ where: { ticketId: ticket.id, role: 'assistant' } });
    expect(ack.content).toContain(`ticket ${ticket.numero}`);
  });

  it('the exports carry the number', async () => {
    const ticket = await createTicket(t);
    const { numero } = await row(ticket.id);
    const csv = await asAdmin({ method: 'GET', url: '/api/exportes/tickets.csv' });
    expect(csv.body.split('\r\n')[0]).toMatch(/^\uFEFFid,numero,/);
    expect(csv.body.split('\r\n')[1]).toMatch(new RegExp(`^${ticket.id},${numero},`));
  });

  it('a number already taken is drawn again', async () => {
    const ticket = await createTicket(t);
    const { numero } = await row(ticket.id);
    const draws = [numero, numero, 'TKT-NEWNUMB2'];
    const fresh = await t.app.puente.db.write((tx) => unusedNumero(tx, () => draws.shift()!));
    expect(fresh).toBe('TKT-NEWNUMB2');
  });
});

describe('resolvedAt', () => {
  it('is set on resolve, kept on close, cleared on reopen', async () => {
    const ticket = await createTicket(t);
    const resolved = (await patch(ticket.id, { status: 'resolved' })).json() as { resolvedAt: string };
    expect(resolved.resolvedAt).toEqual(expect.any(String));

    const closed = await patch(ticket.id, { status: 'closed' });
    expect(closed.json()).toMatchObject({ status: 'closed', resolvedAt: resolved.resolvedAt });
    expect((await row(ticket.id)).resolvedAt?.toISOString()).toBe(resolved.resolvedAt);

    const reopened = await patch(ticket.id, { status: 'open' });
    expect(reopened.json()).toMatchObject({ status: 'open', resolvedAt: null });
    expect((await row(ticket.id)).resolvedAt).toBeNull();
  });

  it('a ticket closed without being resolved first is dated at the close', async () => {
    const ticket = await createTicket(t);
    const closed = (await patch(ticket.id, { status: 'closed' })).json() as { resolvedAt: string | null };
    expect(closed.resolvedAt).toEqual(expect.any(String));
  });
});

describe('categories', () => {
  it('GET /api/categorias lists the default ones in order', async () => {
    const response = await asAdmin({ method: 'GET', url: '/api/categorias' });
    expect(response.json()).toEqual({ categorias: ['hardware', 'software', 'red', 'cuentas', 'impresoras', 'otro'] });
  });

  it('PATCH sets and clears the category; the table filters by it', async () => {
    const a = await createTicket(t);
    const b = await createTicket(t, { category: 'red' });
    expect((await patch(a.id, { category: 'impresoras' })).json()).toMatchObject({ category: 'impresoras' });
    expect(await listIds('?category=impresoras')).toEqual([a.id]);
    expect(await listIds('?category=red')).toEqual([b.id]);
    await patch(a.id, { category: null });
    expect((await row(a.id)).category).toBeNull();
  });

  it('400 for a category outside the list, on PATCH and on POST, with nothing changed', async () => {
    const ticket = await createTicket(t, { category: 'red' });
    const before = await row(ticket.id);
    const patched = await patch(ticket.id, { category: 'cafetera', status: 'closed' });
    expect(patched.statusCode).toBe(400);
    expect(patched.json()).toEqual({ error: 'solicitud_invalida', mensaje: expect.stringMatching(/categoría cafetera no está en la lista/) });
    expect(await row(ticket.id)).toEqual(before);

    const created = await asAdmin({ method: 'POST', url: '/api/tickets', payload: { phone: '+5214771234567', subject: 'x', category: 'cafetera' } });
    expect(created.statusCode).toBe(400);
    expect(await prisma().ticket.count()).toBe(1);
  });

  it('an admin extends the list; the new category is then accepted; a technician may not; a duplicate is 409', async () => {
    const added = await asAdmin({ method: 'POST', url: '/api/categorias', payload: { nombre: ' Telefonía ' } });
    expect(added.statusCode).toBe(201);
    expect(added.json().categorias).toContain('telefonía');
    const ticket = await createTicket(t);
    expect((await patch(ticket.id, { category: 'telefonía' })).statusCode).toBe(200);

    expect((await asAdmin({ method: 'POST', url: '/api/categorias', payload: { nombre: 'telefonía' } })).statusCode).toBe(409);
    expect((await asAdmin({ method: 'POST', url: '/api/categorias', payload: { nombre: '' } })).statusCode).toBe(400);

    await asAdmin({ method: 'POST', url: '/api/users', payload: { username: 'tec1', password: 'clave-segura-1', role: 'tecnico' } });
    const cookie = await loginCookie(t.app, 'tec1', 'clave-segura-1');
    const refused = await t.app.inject({ method: 'POST', url: '/api/categorias', headers: { cookie }, payload: { nombre: 'otra' } });
    expect(refused.statusCode).toBe(403);
    expect(await prisma().category.count()).toBe(7);
  });
});

describe('assignment filters', () => {
  it('asignado=<id> lists that account’s tickets, asignado=ninguno the unassigned ones', async () => {
    const admin = await prisma().user.findUniqueOrThrow({ where: { username: 'admin' } });
    const mine = await createTicket(t);
    const nobodys = await createTicket(t);
    await patch(mine.id, { assigneeId: admin.id });
    expect(await listIds(`?asignado=${admin.id}`)).toEqual([mine.id]);
    expect(await listIds('?asignado=ninguno')).toEqual([nobodys.id]);
    expect((await asAdmin({ method: 'GET', url: '/api/tickets?asignado=alguien' })).statusCode).toBe(400);
  });
});
