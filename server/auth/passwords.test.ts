import { describe, expect, it } from 'vitest';
import { ADMIN, loginCookie } from '../../test/support/app.ts';
import { useTestApp } from '../../test/support/use-app.ts';
import { callers } from '../../test/support/auth.ts';

const t = useTestApp();

const prisma = () => t.app.puente.db.prisma;
const { asAdmin, withCookie, login, createTechnician } = callers(() => t);

const passwordHash = async (id: number) => (await prisma().user.findUniqueOrThrow({ where: { id } })).passwordHash;

describe('POST /api/users/:id/contrasena (an admin resets a password)', () => {
  it('401 without a session, and changes nothing', async () => {
    const technician = await createTechnician();
    const before = await passwordHash(technician.id);
    const response = await t.app.inject({ method: 'POST', url: `/api/users/${technician.id}/contrasena`, payload: { password: 'nueva-clave-123' } });
    expect(response.statusCode).toBe(401);
    expect(await passwordHash(technician.id)).toBe(before);
  });

  it('403 for a technician, and changes nothing', async () => {
    const technician = await createTechnician();
    const other = await createTechnician('tecnico2', 'clave-del-otro');
    const before = await passwordHash(other.id);
    const response = await withCookie(technician.cookie, { method: 'POST', url: `/api/users/${other.id}/contrasena`, payload: { password: 'nueva-clave-123' } });
    expect(response.statusCode).toBe(403);
    expect(await passwordHash(other.id)).toBe(before);
  });

  it('400 for a password under 8 characters, and changes nothing', async () => {
    const technician = await createTechnician();
    const before = await passwordHash(technician.id);
    const response = await asAdmin({ method: 'POST', url: `/api/users/${technician.id}/contrasena`, payload: { password: 'corta' } });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error: 'solicitud_invalida', mensaje: 'password: la contraseña debe tener al menos 8 caracteres' });
    expect(await passwordHash(technician.id)).toBe(before);
    expect((await withCookie(technician.cookie)).statusCode).toBe(200);
  });

  it('404 for an account that does not exist or is deactivated', async () => {
    expect((await asAdmin({ method: 'POST', url: '/api/users/999/contrasena', payload: { password: 'nueva-clave-123' } })).statusCode).toBe(404);
    const technician = await createTechnician();
    await asAdmin({ method: 'DELETE', url: `/api/users/${technician.id}` });
    const response = await asAdmin({ method: 'POST', url: `/api/users/${technician.id}/contrasena`, payload: { password: 'nueva-clave-123' } });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ error: 'no_encontrado' });
  });

  it('409 for your own account: that is "Mi cuenta", which asks for the current password', async () => {
    const me = await prisma().user.findUniqueOrThrow({ where: { username: ADMIN.username } });
    const response = await asAdmin({ method: 'POST', url: `/api/users/${me.id}/contrasena`, payload: { password: 'nueva-clave-123' } });
    expect(response.statusCode).toBe(409);
    expect((await login(ADMIN.username, ADMIN.password)).statusCode).toBe(200);
  });

  it('204: the new password works, the old one does not, and every session of that account has ended', async () => {
    const technician = await createTechnician();
    const second = await loginCookie(t.app, technician.username, technician.password);
    const response = await asAdmin({ method: 'POST', url: `/api/users/${technician.id}/contrasena`, payload: { password: 'nueva-clave-123' } });
    expect(response.statusCode).toBe(204);
    expect((await withCookie(technician.cookie)).statusCode).toBe(401);
    expect((await withCookie(second)).statusCode).toBe(401);
    expect(await prisma().session.count({ where: { userId: technician.id } })).toBe(0);
    expect((await login(technician.username, technician.password)).statusCode).toBe(401);
    expect((await login(technician.username, 'nueva-clave-123')).statusCode).toBe(200);
    expect((await withCookie(t.admin.cookie)).statusCode).toBe(200); // the admin's own session stays
  });
});

describe('POST /api/auth/contrasena (each person changes their own)', () => {
  const change = (cookie: string, payload: Record<string, string>) => withCookie(cookie, { method: 'POST', url: '/api/auth/contrasena', payload });

  it('401 without a session', async () => {
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/contrasena', payload: { actual: 'x', nueva: 'nueva-clave-123' } })).statusCode).toBe(401);
  });

  it('403 with a Spanish message for a wrong current password, and changes nothing', async () => {
    const technician = await createTechnician();
    const before = await passwordHash(technician.id);
    const response = await change(technician.cookie, { actual: 'no-es-esta', nueva: 'nueva-clave-123' });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toEqual({ error: 'sin_permiso', mensaje: 'La contraseña actual no es correcta.' });
    expect(await passwordHash(technician.id)).toBe(before);
    expect((await withCookie(technician.cookie)).statusCode).toBe(200); // a typo does not sign you out
  });

  it('400 without the current password or with a short new one, and changes nothing', async () => {
    const technician = await createTechnician();
    const before = await passwordHash(technician.id);
    expect((await change(technician.cookie, { nueva: 'nueva-clave-123' })).statusCode).toBe(400);
    const short = await change(technician.cookie, { actual: technician.password, nueva: 'corta' });
    expect(short.statusCode).toBe(400);
    expect(short.json()).toMatchObject({ error: 'solicitud_invalida', mensaje: 'nueva: la contraseña debe tener al menos 8 caracteres' });
    expect(await passwordHash(technician.id)).toBe(before);
  });

  it('429 after 5 wrong current passwords, even with the right one: guessing is throttled like the login', async () => {
    const technician = await createTechnician();
    for (let i = 0; i < 5; i++) expect((await change(technician.cookie, { actual: `mala-${i}`, nueva: 'nueva-clave-123' })).statusCode).toBe(403);
    const response = await change(technician.cookie, { actual: technician.password, nueva: 'nueva-clave-123' });
    expect(response.statusCode).toBe(429);
    expect(response.json()).toMatchObject({ error: 'demasiadas_solicitudes' });
    expect((await login(technician.username, technician.password)).statusCode).toBe(429); // the same throttle as the login
  });

  it("204: the new password works, the caller's session stays and the account's other sessions end", async () => {
    const technician = await createTechnician();
    const elsewhere = await loginCookie(t.app, technician.username, technician.password);
    const response = await change(technician.cookie, { actual: technician.password, nueva: 'nueva-clave-123' });
    expect(response.statusCode).toBe(204);
    expect((await withCookie(technician.cookie)).statusCode).toBe(200);
    expect((await withCookie(elsewhere)).statusCode).toBe(401);
    expect((await withCookie(t.admin.cookie)).statusCode).toBe(200);
    expect((await login(technician.username, technician.password)).statusCode).toBe(401);
    expect((await login(technician.username, 'nueva-clave-123')).statusCode).toBe(200);
  });

  it('403 for an integration token', async () => {
    const { token } = (await asAdmin({ method: 'POST', url: '/api/tokens', payload: { name: 'mesa' } })).json() as { token: string };
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/auth/contrasena',
      headers: { authorization: `Bearer ${token}` },
      payload: { actual: 'x', nueva: 'nueva-clave-123' },
    });
    expect(response.statusCode).toBe(403);
  });
});

describe('deactivated accounts', () => {
  it('GET /api/users/desactivadas lists them (admins only); POST /api/users/:id/reactivar brings one back with its password', async () => {
    const technician = await createTechnician();
    expect((await withCookie(technician.cookie, { method: 'GET', url: '/api/users/desactivadas' })).statusCode).toBe(403);
    expect((await asAdmin({ method: 'GET', url: '/api/users/desactivadas' })).json()).toEqual({ users: [] });
    await asAdmin({ method: 'DELETE', url: `/api/users/${technician.id}` });
    expect((await asAdmin({ method: 'GET', url: '/api/users/desactivadas' })).json()).toEqual({
      users: [{ id: technician.id, username: 'tecnico1', displayName: null, role: 'tecnico' }],
    });

    const response = await asAdmin({ method: 'POST', url: `/api/users/${technician.id}/reactivar` });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ id: technician.id, username: 'tecnico1', displayName: null, role: 'tecnico' });
    expect((await asAdmin({ method: 'GET', url: '/api/users/desactivadas' })).json()).toEqual({ users: [] });
    expect((await login(technician.username, technician.password)).statusCode).toBe(200);
    expect((await withCookie(technician.cookie)).statusCode).toBe(401); // its old sessions stay ended
  });

  it('404 for an active or unknown account; 403 for a technician, who reactivates nobody', async () => {
    const technician = await createTechnician();
    expect((await asAdmin({ method: 'POST', url: `/api/users/${technician.id}/reactivar` })).statusCode).toBe(404);
    expect((await asAdmin({ method: 'POST', url: '/api/users/999/reactivar' })).statusCode).toBe(404);
    const gone = await createTechnician('tecnico2', 'clave-del-otro');
    await asAdmin({ method: 'DELETE', url: `/api/users/${gone.id}` });
    expect((await withCookie(technician.cookie, { method: 'POST', url: `/api/users/${gone.id}/reactivar` })).statusCode).toBe(403);
    expect((await prisma().user.findUniqueOrThrow({ where: { id: gone.id } })).active).toBe(false);
  });
});
