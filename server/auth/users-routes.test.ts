import { describe, expect, it } from 'vitest';
import { ADMIN, loginCookie } from '../../test/support/app.ts';
import { useTestApp } from '../../test/support/use-app.ts';
import { callers } from '../../test/support/auth.ts';

const t = useTestApp();

const prisma = () => t.app.puente.db.prisma;
const { login, asAdmin, withCookie, withBearer, createTechnician, createToken } = callers(() => t);

describe('POST /api/users', () => {
  it('401 no_autenticado without credentials, and creates nobody', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/users',
      payload: { username: 'intruso', password: 'clave-intrusa', role: 'admin' },
    });
    expect(response.statusCode).toBe(401);
    expect(await prisma().user.count()).toBe(1);
  });

  it('403 sin_permiso for a technician, and creates nobody', async () => {
    const technician = await createTechnician();
    const response = await withCookie(technician.cookie, {
      method: 'POST',
      url: '/api/users',
      payload: { username: 'ascenso', password: 'clave-de-ascenso', role: 'admin' },
    });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ error: 'sin_permiso' });
    expect(await prisma().user.findUnique({ where: { username: 'ascenso' } })).toBeNull();
  });

  it('403 sin_permiso for an integration token', async () => {
    const { token } = await createToken();
    const response = await withBearer(token, {
      method: 'POST',
      url: '/api/users',
      payload: { username: 'robot', password: 'clave-del-robot', role: 'admin' },
    });
    expect(response.statusCode).toBe(403);
    expect(await prisma().user.findUnique({ where: { username: 'robot' } })).toBeNull();
  });

  it.each([
    ['a short username', { username: 'ab', password: 'clave-larga-1', role: 'tecnico' }, /^username: el usuario debe tener de 3 a 40/],
    ['a short password', { username: 'nuevo', password: 'corta', role: 'tecnico' }, /^password: la contraseña debe tener al menos 8 caracteres$/],
    ['an unknown role', { username: 'nuevo', password: 'clave-larga-1', role: 'jefe' }, /^role: el rol debe ser admin o tecnico$/],
    ['no username', { password: 'clave-larga-1', role: 'tecnico' }, /^username: falta el usuario$/],
  ])('400 solicitud_invalida for %s, with a Spanish message and nobody created', async (_, payload, message) => {
    const response = await asAdmin({ method: 'POST', url: '/api/users', payload });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error: 'solicitud_invalida', mensaje: expect.stringMatching(message) });
    expect(await prisma().user.count()).toBe(1);
  });

  it('201 creates the user, who can log in with the role given', async () => {
    const response = await asAdmin({
      method: 'POST',
      url: '/api/users',
      payload: { username: 'maria', password: 'clave-de-maria', role: 'tecnico', displayName: 'María López' },
    });

    expect(response.statusCode).toBe(201);
    const row = await prisma().user.findUniqueOrThrow({ where: { username: 'maria' } });
    expect(response.json()).toEqual({ id: row.id, username: 'maria', displayName: 'María López', role: 'tecnico' });
    expect(row).toMatchObject({ role: 'tecnico', active: true, displayName: 'María López' });
    const cookie = await loginCookie(t.app, 'maria', 'clave-de-maria');
    expect((await withCookie(cookie, { method: 'GET', url: '/api/auth/me' })).json()).toMatchObject({ user: { role: 'tecnico' } });
  });

  it('409 for a username that already exists, leaving the existing account untouched', async () => {
    const before = await prisma().user.findUniqueOrThrow({ where: { username: 'admin' } });
    const response = await asAdmin({
      method: 'POST',
      url: '/api/users',
      payload: { username: 'admin', password: 'otra-contraseña', role: 'tecnico' },
    });

    expect(response.statusCode).toBe(409);
    expect(response.json()).toEqual({ error: 'estado_invalido', mensaje: 'El usuario admin ya existe.' });
    expect(await prisma().user.findUniqueOrThrow({ where: { username: 'admin' } })).toEqual(before);
    await expect(loginCookie(t.app, 'admin', 'otra-contraseña')).rejects.toThrow(/401/);
  });
});

describe('GET /api/users', () => {
  it('401 no_autenticado without credentials', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/users' })).statusCode).toBe(401);
  });

  it('403 sin_permiso for a technician', async () => {
    const technician = await createTechnician();
    const response = await withCookie(technician.cookie, { method: 'GET', url: '/api/users' });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ error: 'sin_permiso' });
  });

  it('200 lists the accounts without their password hashes', async () => {
    const technician = await createTechnician();
    const response = await asAdmin({ method: 'GET', url: '/api/users' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      users: [
        { id: expect.any(Number), username: 'admin', displayName: 'Administrador', role: 'admin' },
        { id: technician.id, username: 'tecnico1', displayName: null, role: 'tecnico' },
      ],
    });
    expect(response.body).not.toContain('argon2');
  });
});

describe('DELETE /api/users/:id', () => {
  it('deactivates an account: its session ends at once and it cannot log in again', async () => {
    const technician = await createTechnician('saliente', 'clave-del-saliente');
    const response = await asAdmin({ method: 'DELETE', url: `/api/users/${technician.id}` });
    expect(response.statusCode).toBe(204);
    expect((await withCookie(technician.cookie, { method: 'GET', url: '/api/auth/me' })).statusCode).toBe(401);
    expect((await login('saliente', 'clave-del-saliente')).statusCode).toBe(401);
    const listed = (await asAdmin({ method: 'GET', url: '/api/users' })).json().users;
    expect(listed.map((u: { username: string }) => u.username)).not.toContain('saliente');
    expect((await asAdmin({ method: 'DELETE', url: `/api/users/${technician.id}` })).statusCode).toBe(404);
  });

  it('409 for your own account; 403 for a technician', async () => {
    const me = await prisma().user.findUniqueOrThrow({ where: { username: ADMIN.username } });
    expect((await asAdmin({ method: 'DELETE', url: `/api/users/${me.id}` })).statusCode).toBe(409);
    const technician = await createTechnician();
    expect((await withCookie(technician.cookie, { method: 'DELETE', url: `/api/users/${me.id}` })).statusCode).toBe(403);
  });
});
