import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createTicket } from '../../test/support/app.ts';
import { useTestApp } from '../../test/support/use-app.ts';
import { callers, databaseBytes } from '../../test/support/auth.ts';

const t = useTestApp();

const prisma = () => t.app.puente.db.prisma;
const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const { asAdmin, withCookie, withBearer, createTechnician, createToken } = callers(() => t);

describe('POST /api/tokens', () => {
  it('401 no_autenticado without credentials, and mints nothing', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/api/tokens', payload: { name: 'x' } });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({ error: 'no_autenticado' });
    expect(await prisma().apiToken.count()).toBe(0);
  });

  it('403 sin_permiso for a technician, and mints nothing', async () => {
    const technician = await createTechnician();
    const response = await withCookie(technician.cookie, { method: 'POST', url: '/api/tokens', payload: { name: 'x' } });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toEqual({ error: 'sin_permiso', mensaje: expect.any(String) });
    expect(await prisma().apiToken.count()).toBe(0);
  });

  it('403 sin_permiso for an integration token: tokens cannot mint tokens', async () => {
    const { token } = await createToken();
    const post = await withBearer(token, { method: 'POST', url: '/api/tokens', payload: { name: 'otro' } });
    const list = await withBearer(token, { method: 'GET', url: '/api/tokens' });
    expect(post.statusCode).toBe(403);
    expect(post.json()).toMatchObject({ error: 'sin_permiso' });
    expect(list.statusCode).toBe(403);
    expect(await prisma().apiToken.count()).toBe(1);
  });

  it('400 solicitud_invalida without a name', async () => {
    const response = await asAdmin({ method: 'POST', url: '/api/tokens', payload: { name: '   ' } });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error: 'solicitud_invalida', mensaje: 'name: falta el nombre' });
    expect(await prisma().apiToken.count()).toBe(0);
  });

  it('201 {id, name, token}: the token works as a bearer on the contract endpoints and only its SHA-256 is stored', async () => {
    const ticket = await createTicket(t);
    const response = await asAdmin({ method: 'POST', url: '/api/tokens', payload: { name: 'mesa de ayuda' } });

    expect(response.statusCode).toBe(201);
    const created = response.json() as { id: number; name: string; token: string };
    expect(created).toEqual({ id: expect.any(Number), name: 'mesa de ayuda', token: expect.any(String) });
    expect(created.token.length).toBeGreaterThanOrEqual(32);

    const conversation = await withBearer(created.token, { method: 'GET', url: `/ticket/${ticket.id}/conversacion` });
    expect(conversation.statusCode).toBe(200);
    expect(conversation.json()).toEqual({ historial: [] });

    const rows = await prisma().apiToken.findMany();
    expect(rows).toEqual([expect.objectContaining({ id: created.id, name: 'mesa de ayuda', tokenHash: sha256(created.token), revokedAt: null })]);
    for (const value of Object.values(rows[0])) expect(value).not.toBe(created.token);
    expect(databaseBytes(t.dataDir).includes(Buffer.from(created.token))).toBe(false);
  });
});

describe('GET /api/tokens', () => {
  it('401 no_autenticado without credentials', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/tokens' });
    expect(response.statusCode).toBe(401);
  });

  it('403 sin_permiso for a technician', async () => {
    const technician = await createTechnician();
    const response = await withCookie(technician.cookie, { method: 'GET', url: '/api/tokens' });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ error: 'sin_permiso' });
  });

  it('200 lists the tokens without the token or its hash', async () => {
    const created = await createToken('bot de intake');
    const response = await asAdmin({ method: 'GET', url: '/api/tokens' });

    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      tokens: [{ id: created.id, name: 'bot de intake', createdAt: expect.any(String), lastUsedAt: null, revokedAt: null }],
    });
    expect(response.body).not.toContain(created.token);
    expect(response.body).not.toContain(sha256(created.token));
  });
});

describe('DELETE /api/tokens/:id', () => {
  it('401 no_autenticado without credentials, and revokes nothing', async () => {
    const created = await createToken();
    const response = await t.app.inject({ method: 'DELETE', url: `/api/tokens/${created.id}` });
    expect(response.statusCode).toBe(401);
    expect(await prisma().apiToken.findUnique({ where: { id: created.id } })).toMatchObject({ revokedAt: null });
  });

  it('403 sin_permiso for a technician, and revokes nothing', async () => {
    const created = await createToken();
    const technician = await createTechnician();
    const response = await withCookie(technician.cookie, { method: 'DELETE', url: `/api/tokens/${created.id}` });
    expect(response.statusCode).toBe(403);
    expect(await prisma().apiToken.findUnique({ where: { id: created.id } })).toMatchObject({ revokedAt: null });
  });

  it('204 revokes: the token then gets 401, and a second DELETE is 404', async () => {
    const ticket = await createTicket(t);
    const created = await createToken();
    const kept = await createToken('otra integración');

    const response = await asAdmin({ method: 'DELETE', url: `/api/tokens/${created.id}` });

    expect(response.statusCode).toBe(204);
    expect((await prisma().apiToken.findUnique({ where: { id: created.id } }))!.revokedAt).toBeInstanceOf(Date);
    const refused = await withBearer(created.token, { method: 'GET', url: `/ticket/${ticket.id}/conversacion` });
    expect(refused.statusCode).toBe(401);
    expect(refused.json()).toMatchObject({ error: 'no_autenticado' });
    // Revoking one token leaves the others working.
    expect((await withBearer(kept.token, { method: 'GET', url: `/ticket/${ticket.id}/conversacion` })).statusCode).toBe(200);

    const again = await asAdmin({ method: 'DELETE', url: `/api/tokens/${created.id}` });
    expect(again.statusCode).toBe(404);
    expect(again.json()).toEqual({ error: 'no_encontrado', mensaje: expect.stringContaining(String(created.id)) });
  });

  it('404 for a token that never existed', async () => {
    const response = await asAdmin({ method: 'DELETE', url: '/api/tokens/777' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ error: 'no_encontrado' });
  });
});
